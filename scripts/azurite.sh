#!/usr/bin/env bash
# Starts and stops Azurite (the Azure Storage emulator, pinned in package.json
# and installed into ./node_modules by scripts/deps.sh) for tests.
#
#   scripts/azurite.sh start DIR   start Azurite on free loopback ports with its
#                                  data under DIR (created if missing); print the
#                                  connection string on stdout. DIR also gets
#                                  azurite.pid, azurite.log, connection-string,
#                                  blob-port, queue-port and table-port.
#   scripts/azurite.sh stop DIR    stop that Azurite and delete its data.
#
# Exit status of start: 0 running, 2 Azurite or node not installed, 1 it did
# not come up (its log is printed on stderr).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
azurite="${PYFN_AZURITE_BIN:-$root/node_modules/.bin/azurite}"
# Well-known development account (public, the same in every Azurite).
account=devstoreaccount1
key='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 64; }

start() {
  local dir="$1"
  if ! command -v node >/dev/null 2>&1; then
    echo "azurite.sh: node is not installed (make deps installs nodejs)" >&2
    exit 2
  fi
  if [ ! -x "$azurite" ]; then
    echo "azurite.sh: $azurite is missing; run 'make deps' (npm ci installs Azurite)" >&2
    exit 2
  fi
  mkdir -p "$dir/data"
  : > "$dir/azurite.log"
  # Port 0: the kernel picks free ports, Azurite logs which. Its own process
  # group, so stop takes down anything it spawned.
  setsid "$azurite" --silent --disableTelemetry \
    --location "$dir/data" \
    --blobHost 127.0.0.1 --blobPort 0 \
    --queueHost 127.0.0.1 --queuePort 0 \
    --tableHost 127.0.0.1 --tablePort 0 \
    </dev/null >"$dir/azurite.log" 2>&1 &
  local pid=$!
  echo "$pid" > "$dir/azurite.pid"
  local blob="" queue="" table=""
  for _ in $(seq 1 300); do
    blob=$(sed -n 's|.*Blob service is successfully listening at http://127.0.0.1:\([0-9]*\).*|\1|p' "$dir/azurite.log")
    queue=$(sed -n 's|.*Queue service is successfully listening at http://127.0.0.1:\([0-9]*\).*|\1|p' "$dir/azurite.log")
    table=$(sed -n 's|.*Table service is successfully listening at http://127.0.0.1:\([0-9]*\).*|\1|p' "$dir/azurite.log")
    [ -n "$blob" ] && [ -n "$queue" ] && [ -n "$table" ] && break
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "azurite.sh: Azurite exited during start; its log:" >&2
      cat "$dir/azurite.log" >&2
      exit 1
    fi
    sleep 0.1
  done
  if [ -z "$blob" ] || [ -z "$queue" ] || [ -z "$table" ]; then
    echo "azurite.sh: Azurite did not listen within 30 s; its log:" >&2
    cat "$dir/azurite.log" >&2
    stop "$dir"
    exit 1
  fi
  echo "$blob" > "$dir/blob-port"
  echo "$queue" > "$dir/queue-port"
  echo "$table" > "$dir/table-port"
  local cs="DefaultEndpointsProtocol=http;AccountName=$account;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$blob/$account;QueueEndpoint=http://127.0.0.1:$queue/$account;TableEndpoint=http://127.0.0.1:$table/$account;"
  echo "$cs" > "$dir/connection-string"
  echo "$cs"
}

stop() {
  local dir="$1" pid
  [ -f "$dir/azurite.pid" ] || return 0
  pid=$(cat "$dir/azurite.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -rf "$dir/data" "$dir/azurite.pid"
}

[ $# -eq 2 ] || usage
case "$1" in
  start) start "$2" ;;
  stop) stop "$2" ;;
  *) usage ;;
esac
