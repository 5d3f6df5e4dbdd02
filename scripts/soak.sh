#!/usr/bin/env bash
# make soak: SOAK_SECONDS (default 600) of wrk load (SOAK_CONNECTIONS, default 8) on
# tests/apps/prod-host's /api/anon, served by out/bin/pyfn-host on loopback. Samples the RSS
# of the host and its worker every 10 s (out/soak/rss.csv) and ends with a summary
# (out/soak/summary.json): requests, non-2xx answers, socket errors, RSS at start and end.
# Target: flat RSS and 0 errors.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-out}
DUR=${SOAK_SECONDS:-600}
CONN=${SOAK_CONNECTIONS:-8}
dir="$OUT/soak"
mkdir -p "$dir"
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
app="$(pwd)/tests/apps/prod-host"
setsid "$OUT/bin/pyfn-host" --script-root "$app" --port "$port" >"$dir/host.log" 2>&1 &
host=$!
trap 'kill -TERM $host 2>/dev/null; wait $host 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -s "http://127.0.0.1:$port/admin/host/status" | grep -q Running && break
  sleep 0.2
done
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
worker() { pgrep -P "$host" | head -1; }
echo "t_seconds,host_rss_kib,worker_rss_kib" >"$dir/rss.csv"
wrk -t2 -c"$CONN" -d"${DUR}s" --latency "http://127.0.0.1:$port/api/anon" >"$dir/wrk.txt" 2>&1 &
load=$!
start=$SECONDS
while kill -0 "$load" 2>/dev/null; do
  echo "$((SECONDS - start)),$(rss "$host"),$(rss "$(worker)")" >>"$dir/rss.csv"
  sleep 10
done
wait "$load" || true
echo "$((SECONDS - start)),$(rss "$host"),$(rss "$(worker)")" >>"$dir/rss.csv"
requests=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$dir/wrk.txt")
non2xx=$(sed -n 's/^ *Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$dir/wrk.txt")
sockerr=$(sed -n 's/^ *Socket errors: *\(.*\)/\1/p' "$dir/wrk.txt")
first=$(sed -n 2p "$dir/rss.csv"); last=$(tail -1 "$dir/rss.csv")
jq -n --arg dur "$DUR" --arg req "${requests:-0}" --arg non2xx "${non2xx:-0}" \
  --arg sock "${sockerr:-none}" --arg first "$first" --arg last "$last" \
  --arg restarts "$(grep -c 'restart #' "$dir/host.log" || true)" \
  '{seconds: ($dur|tonumber), requests: ($req|tonumber), non_2xx: ($non2xx|tonumber),
    socket_errors: $sock, worker_restarts: ($restarts|tonumber),
    rss_start_kib: {host: ($first|split(",")[1]|tonumber), worker: ($first|split(",")[2]|tonumber)},
    rss_end_kib: {host: ($last|split(",")[1]|tonumber), worker: ($last|split(",")[2]|tonumber)}}' \
  | tee "$dir/summary.json"
