#!/usr/bin/env bash
# Bad bytes under load (run by `make soak` after scripts/soak.sh): wrk on /api/hello?name=ok
# of tests/apps/fuzz-target for BAD_LOAD_SECONDS (default 30; BAD_LOAD_CONNECTIONS, default 8)
# while 10 requests a second carrying bytes that are not UTF-8 (the four vectors of
# tests/http-bad-bytes.bats, rotating) go to the same host beside it. Prints wrk's requests,
# its non-2xx count, the answers to the bad requests and the worker restarts (worker PID
# change and pyfn_worker_restarts_total); adds them as "bad_bytes_under_load" to
# $OUT/soak/summary.json (created when missing) and writes $OUT/soak/bad-bytes.json.
# The host is ${PYFN_BIN:-$OUT/bin}/pyfn-host.
# Exits 1 if wrk saw a non-2xx answer or a socket error, or the worker was restarted.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-out}
DUR=${BAD_LOAD_SECONDS:-30}
CONN=${BAD_LOAD_CONNECTIONS:-8}
dir="$OUT/soak"
mkdir -p "$dir"
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=$(free_port)
mport=$(free_port)
app="$(pwd)/tests/apps/fuzz-target"
log="$dir/bad-bytes-host.log"
PYFN_METRICS_PORT=$mport AzureWebJobsSecretStorageType=memory \
  setsid "${PYFN_BIN:-$OUT/bin}/pyfn-host" --script-root "$app" --port "$port" >"$log" 2>&1 </dev/null &
host=$!
trap 'kill -TERM $host 2>/dev/null; wait $host 2>/dev/null || true' EXIT
for _ in $(seq 1 150); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/admin/health/ready")" = 200 ] && break
  kill -0 "$host" 2>/dev/null || { echo "pyfn-host died at start; $log" >&2; exit 1; }
  sleep 0.2
done
workers() { pgrep -P "$host" | sort | tr '\n' ' ' | sed 's/ $//'; }
restarts() { curl -s --max-time 5 "http://127.0.0.1:$mport/metrics" | sed -n 's/^pyfn_worker_restarts_total \([0-9]*\)$/\1/p'; }
w0=$(workers)
r0=$(restarts)

wrk -t2 -c"$CONN" -d"${DUR}s" "http://127.0.0.1:$port/api/hello?name=ok" >"$dir/bad-bytes-wrk.txt" 2>&1 &
load=$!
# 10 bad requests a second beside wrk, each on its own connection: the vectors in turn.
/usr/bin/python3 - "$port" "$DUR" >"$dir/bad-bytes-sender.json" <<'PY'
import collections, json, re, socket, sys, time
port, dur = int(sys.argv[1]), float(sys.argv[2])
vectors = [
    b"GET /api/hello?name=%FF HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    b"GET /api/hello HTTP/1.1\r\nHost: x\r\nX-Bad: \xff\r\nConnection: close\r\n\r\n",
    b"GET /api/hello HTTP/1.1\r\nHost: x\r\nCookie: a=\xff\r\nConnection: close\r\n\r\n",
    b"GET /api/hello?na\xffme=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
]
names = ["query %FF", "header 0xFF", "cookie 0xFF", "target 0xFF"]
counts = {n: collections.Counter() for n in names}
t0 = time.monotonic()
i = 0
while time.monotonic() - t0 < dur:
    k = i % 4
    got = b""
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=3)
        s.sendall(vectors[k])
        s.shutdown(socket.SHUT_WR)
        while True:
            b = s.recv(65536)
            if not b:
                break
            got += b
        s.close()
        m = re.match(rb"HTTP/1\.[01] (\d{3})", got)
        counts[names[k]][m.group(1).decode() if m else "none"] += 1
    except socket.timeout:
        counts[names[k]]["hang"] += 1
    except OSError as e:
        counts[names[k]][type(e).__name__] += 1
    i += 1
    time.sleep(max(0.0, t0 + i * 0.1 - time.monotonic()))
print(json.dumps({"sent": i, "answers": {n: dict(c) for n, c in counts.items()}}))
PY
wait "$load" || true
w1=$(workers)
r1=$(restarts)
kill -0 "$host" 2>/dev/null && alive=true || alive=false

requests=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$dir/bad-bytes-wrk.txt")
non2xx=$(sed -n 's/^ *Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$dir/bad-bytes-wrk.txt")
sockerr=$(sed -n 's/^ *Socket errors: *\(.*\)/\1/p' "$dir/bad-bytes-wrk.txt")
pid_changes=0
[ "$w0" = "$w1" ] || pid_changes=1
restarts_n=$(( ${r1:-0} - ${r0:-0} ))
[ "$restarts_n" -ge "$pid_changes" ] || restarts_n=$pid_changes
jq -n --argjson dur "$DUR" --argjson req "${requests:-0}" --argjson non2xx "${non2xx:-0}" \
  --arg sock "${sockerr:-none}" --argjson restarts "$restarts_n" --arg w0 "$w0" --arg w1 "$w1" \
  --argjson alive "$alive" --slurpfile bad "$dir/bad-bytes-sender.json" \
  '{seconds: $dur, wrk_requests: $req, wrk_non_2xx: $non2xx, wrk_socket_errors: $sock,
    bad_requests: $bad[0].sent, bad_answers: $bad[0].answers, worker_restarts: $restarts,
    worker_pids: {start: $w0, end: $w1}, host_alive: $alive}' >"$dir/bad-bytes.json"
summary="$dir/summary.json"
[ -s "$summary" ] || echo '{}' >"$summary"
jq --slurpfile b "$dir/bad-bytes.json" '. + {bad_bytes_under_load: $b[0]}' "$summary" >"$summary.tmp"
mv "$summary.tmp" "$summary"
echo "bad-bytes-under-load: wrk ${requests:-0} requests, non-2xx ${non2xx:-0}, socket errors ${sockerr:-none}, bad requests $(jq -c '.bad_requests' "$dir/bad-bytes.json") $(jq -c '.bad_answers' "$dir/bad-bytes.json"), worker restarts $restarts_n, host alive $alive"
[ "${non2xx:-0}" = 0 ] && [ -z "$sockerr" ] && [ "$restarts_n" = 0 ] && [ "$alive" = true ]
