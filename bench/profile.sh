#!/usr/bin/env bash
# Where one invocation's time goes, counted in instructions (callgrind counts are
# repeatable on a noisy shared machine; seconds are not).
#
#   bench/profile.sh [REQUESTS]    default 400 sequential GET /api/hello
#   SIDES=worker bench/profile.sh   only one side (default "host worker"); the worker uses
#                                   PYFN_PYTHON_DIR from the environment like the host passes it
#   TRACING=1 bench/profile.sh      the host with OpenTelemetry tracing on (sampler always_on,
#                                   OTLP/HTTP to tests/helpers/otlp-sink.py --discard). The
#                                   batch is 2*REQUESTS spans and the schedule delay longer
#                                   than the run; two full batches are exported before
#                                   counting starts (the steady state), so the counted part holds the
#                                   REQUESTS requests' spans and exactly one export of them
#                                   (encoding and POST included), whatever the timing.
#
# Runs pyfn-host under callgrind once and pyfn-worker under callgrind once (through
# Azure's languageWorkers__python__defaultExecutablePath override), each serving the
# bench app, and prints instructions per request grouped by component:
#   host:   per thread (io threads: HTTP read/parse, handler, response write, and the
#           gRPC write the handler starts; gRPC's callback threads: transport reads and
#           the read reactions; gRPC's executor), then routing, RpcHttp, invoker,
#           protobuf, malloc, logging; read from the callgrind file itself (one
#           inclusive cost per function)
#   worker: gRPC, protobuf, proto<->dict, CPython (decode, call, encode and the dispatcher)
# Where the worker's share went last time (hello, Python 3.11, per invocation): ~144k in all;
# CPython ~90k (dispatcher, HttpRequest, the call, the answer dict, the reader -> invoker
# thread hand-off), gRPC ~28k, protobuf parse/serialize ~12k, invocation <-> dict ~12k
# (worker/invocation_dict.cc). Floors measured alone with callgrind: a Python-level call in a
# loop ~1.3k, a SimpleQueue round trip between two threads ~4.5k, `import logging` ~50M of
# the worker's ~180M start (bare `python3 -c pass` ~32M), asyncio's own cost for a
# cross-thread start of a task awaiting asyncio.sleep ~190k. The async row's function
# (PROFILE_APP=bench/apps/concurrency PROFILE_PATH=/api/sleep_async SIDES=worker): ~273k
# per invocation, CPython ~225k (296k before an async invocation became one task that
# takes itself out of the task table); async_nowait ~203k, so the 20 ms wait costs ~64k,
# asyncio's own ~61k (docs/internals.md). On uvloop (PYFN_EVENT_LOOP=uvloop, the app copied
# with Debian's python3-uvloop in .python_packages, PROFILE_APP pointing at the copy):
# async_nowait ~154k, sleep_async ~175k.
# Where the host's share went last time (hello, bookworm's gRPC 1.51, per request): ~98k
# in all, 95-101k over five runs (113-114k before the invocation went out as wire bytes);
# io threads ~54k (HTTP read/parse, timers and the posted response ~26k; handler ~24k:
# routing 2k, the trigger's wire bytes (EncodeHttpTrigger) 2k, the trace context 2k,
# invoker + dispatch ~13k of which EncodeInvocation 1k and the gRPC write ~7k; response
# write 3k); gRPC's callback threads ~35k (completion queue: transport reads ~16k; read
# reactions ~18k: parse 3k, response handling and the post to the io thread ~11k, the next
# StartRead ~5k); gRPC's executor 1-10k (it varies most between runs); malloc/free ~12-13k
# across all.
# Floors measured alone with callgrind (a bidi echo on gRPC 1.51, raw bytes, the
# InvocationRequest's ~260 bytes, one client sending one message at a time, no BDP
# probe; server-side instructions, fitted over 400 and 2000 round trips): the callback
# API ~34k per round trip (one read + one write, nothing else), the synchronous API
# with one handler thread ~51k. gRPC alone is thus ~30% of the host's request; a
# ~80k host would need its own part (HTTP, routing, invoker, conversions) at ~45k.
# Where tracing's instructions go (TRACING=1, hello, per request, two spans): ~19-20k in all
# (117k -> 136k protobuf, 137k JSON): encoding 5.2k protobuf / 6.4k JSON on the exporter
# thread (zeroing the presized body is ~1 per byte), server span start ~3.3k, invocation span
# start ~3.4k, ends ~2k, the hand-off to the exporter ~0.6k a span; the "tracing:" rows.
# Each side also reports its start-up: instructions from exec to the first 200 (for the
# worker: gRPC connect, CPython init, imports, the handshake, indexing and loading the app).
# Output: a JSON object on the last line (bench/bench.py stores it in results.json).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-400}
APP=${PROFILE_APP:-bench/apps/hello}      # PROFILE_APP / PROFILE_PATH: another app and route
URLPATH=${PROFILE_PATH:-/api/hello}
work=$(mktemp -d /tmp/pyfn-profile.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_ok() {  # wait_ok URL: up to 120 s (valgrind starts slowly)
  for _ in $(seq 1 1200); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$1" || true)" = 200 ] && return 0
    sleep 0.1
  done
  echo "profile: $1 never answered 200" >&2; return 1
}

drive() {  # drive BASE: N sequential requests on one keep-alive connection
  local urls=()
  for _ in $(seq 1 "$N"); do urls+=("$1$URLPATH"); done
  curl -s "${urls[@]}" >/dev/null
}

# With TRACING: the sink's count of POSTs received.
exports() { local n=0; [ -s "$work/sink/received" ] && read -r n _ <"$work/sink/received"; echo "$n"; }
wait_exports() {  # wait_exports N: until the sink has N POSTs (up to 60 s)
  for _ in $(seq 1 600); do [ "$(exports)" -ge "$1" ] && return 0; sleep 0.1; done
  echo "profile: the sink got $(exports) export(s), not $1" >&2; return 1
}
spans_queued() {
  curl -s "http://127.0.0.1:$PYFN_METRICS_PORT/metrics" | awk '$1 == "pyfn_otel_spans_queued" {print $2}'
}
# empty_span_queue BASE: requests (2 spans each; one to a missing function makes 1) until
# the queue has been exported twice (the exporter's queue and batch have both grown: the
# steady state) and is empty, so counting starts with it empty.
empty_span_queue() {
  fill_span_batch "$1"; wait_exports 1
  fill_span_batch "$1"; wait_exports 2
  local q; q=$(spans_queued)
  [ "$q" = 0 ] || { echo "profile: $q span(s) still queued before counting" >&2; return 1; }
}
fill_span_batch() {
  local q; q=$(spans_queued)
  if [ $(((SPAN_BATCH - q) % 2)) = 1 ]; then curl -s -o /dev/null "$1/api/pyfn-profile-none"; q=$((q + 1)); fi
  local urls=()
  for _ in $(seq 1 $(((SPAN_BATCH - q) / 2))); do urls+=("$1$URLPATH"); done
  [ ${#urls[@]} = 0 ] || curl -s "${urls[@]}" >/dev/null
}

# summarize OUTFILE SIDE: instructions per request by component, from inclusive costs.
summarize() {
  if [ "$2" = host ]; then
    /usr/bin/python3 bench/callgrind_groups.py "$2" "$N" "$1"
    return
  fi
  callgrind_annotate --inclusive=yes --threshold=100 "$1" 2>/dev/null |
    /usr/bin/python3 bench/callgrind_groups.py "$2" "$N"
}

run_profiled() {  # run_profiled SIDE
  local side=$1 port; port=$(free_port)
  local out="$work/callgrind.$side"
  local vg=(valgrind --tool=callgrind --callgrind-out-file="$out" --trace-children=no)
  if [ "$side" = host ]; then
    "${vg[@]}" out/bin/pyfn-host --script-root "$APP" --port "$port" >"$work/$side.log" 2>&1 &
  else
    printf '#!/bin/sh\nexec %s "%s/out/bin/pyfn-worker" "$@"\n' "${vg[*]}" "$PWD" >"$work/worker.sh"
    chmod +x "$work/worker.sh"
    languageWorkers__python__defaultExecutablePath="$work/worker.sh" \
      out/bin/pyfn-host --script-root "$APP" --port "$port" >"$work/$side.log" 2>&1 &
  fi
  local pid=$!
  wait_ok "http://127.0.0.1:$port$URLPATH"
  # The process under callgrind: the host itself, or the worker it started
  # (found by its output file; other callgrind runs on the machine are left alone).
  local vgpid=$pid
  [ "$side" = host ] || vgpid=$(pgrep -f -- "--callgrind-out-file=$out " | head -1)
  [ -n "$vgpid" ] || { echo "profile: no callgrind process for $side" >&2; return 1; }
  # Dump the start-up (exec to the first 200, valgrind's own start excluded) as
  # "<out>.1"; a dump also zeroes the counters, so only the N requests follow.
  timeout 120 callgrind_control -d "$vgpid" >/dev/null 2>&1 || true  # the dump is written even if this hangs
  local start=0
  for _ in $(seq 1 100); do
    [ -s "$out.1" ] && break
    sleep 0.1
  done
  [ -s "$out.1" ] && start=$(awk '/^(summary|totals):/ {print $2; exit}' "$out.1")
  [ -n "${TRACING:-}" ] && [ "$side" = host ] && empty_span_queue "http://127.0.0.1:$port"
  callgrind_control -z "$vgpid" >/dev/null 2>&1 || true
  drive "http://127.0.0.1:$port"
  [ -n "${TRACING:-}" ] && [ "$side" = host ] && wait_exports 3
  # Dump now (file "<out>.<n>"): holds exactly the N requests.
  callgrind_control -d "$vgpid" >/dev/null 2>&1
  local f=""
  for _ in $(seq 1 100); do
    if [ "$start" != 0 ]; then f="$out.2"; [ -s "$f" ] && break; f=""
    else
      f=$(ls -t "$out".* 2>/dev/null | head -1 || true)
      [ -n "$f" ] && [ -s "$f" ] && break
    fi
    sleep 0.1
  done
  kill -TERM "$pid"; wait "$pid" || true
  [ -n "$f" ] || { echo "profile: no callgrind dump for $side" >&2; return 1; }
  summarize "$f" "$side" | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
d["start to first 200 (instructions, not per request)"] = int(sys.argv[1] or 0)
print(json.dumps(d))' "${start:-0}"
}

if [ -n "${TRACING:-}" ]; then
  mkdir -p "$work/sink"
  /usr/bin/python3 tests/helpers/otlp-sink.py "$work/sink" --discard >/dev/null 2>&1 &
  sink_pid=$!
  trap 'kill "$sink_pid" 2>/dev/null || true; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
  for _ in $(seq 1 100); do [ -s "$work/sink/port" ] && break; sleep 0.05; done
  OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$(cat "$work/sink/port")"
  export OTEL_EXPORTER_OTLP_ENDPOINT
  export OTEL_TRACES_SAMPLER=always_on OTEL_SERVICE_NAME=pyfn-profile
  export OTEL_METRICS_EXPORTER=none PYFN_METRICS_PORT; PYFN_METRICS_PORT=$(free_port)
  SPAN_BATCH=$((2 * N))
  export OTEL_BSP_MAX_EXPORT_BATCH_SIZE=$SPAN_BATCH OTEL_BSP_MAX_QUEUE_SIZE=$((4 * N + 64))
  export OTEL_BSP_SCHEDULE_DELAY=3600000
fi

SIDES=${SIDES:-host worker}
out="{\"requests\": $N"
for side in $SIDES; do out="$out, \"$side\": $(run_profiled "$side")"; done
echo "$out}"
