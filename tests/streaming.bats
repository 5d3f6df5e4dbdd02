#!/usr/bin/env bats
# Streaming HTTP (docs/behaviour.md, "Streaming HTTP"): the worker advertises HttpUri, the
# host forwards requests raw to it and relays responses piece by piece.
# tests/apps/streaming-asgi (AsgiFunctionApp over FastAPI) and tests/apps/streaming-ext (the
# azurefunctions.extensions.http.fastapi model beside a classic function); their
# function_app.py docstrings say what they answer. FastAPI and Starlette are Debian's
# packages of the cell's release, fetched at test time into copies of the apps.

load helpers/common
load helpers/prod

BIG=$((1024 * 1024 * 1024))  # 1 GiB

setup_file() {
  local asgi ext
  asgi=$(pyfn_copy_app streaming-asgi)
  pyfn_add_debian_python -r "$PYFN_DEBIAN_RELEASE" -d "$asgi" \
    python3-fastapi python3-starlette python3-pydantic python3-anyio
  ext=$(pyfn_copy_app streaming-ext)
  pyfn_add_debian_python -r "$PYFN_DEBIAN_RELEASE" -d "$ext" \
    python3-fastapi python3-starlette python3-pydantic python3-anyio
  export STREAM_KEY=streaming-test-function-key-0123456789
  pyfn_start -n asgi -e FUNCTIONS_REQUEST_BODY_SIZE_LIMIT=2147483648 "$asgi"
  pyfn_start -n ext -e AzureWebJobsSecretStorageType=memory -e "PYFN_FUNCTION_KEY=$STREAM_KEY" \
    -e FUNCTIONS_REQUEST_BODY_SIZE_LIMIT=1048576 "$ext"
}

teardown_file() {
  pyfn_stop_all
}

# Prints "<arrival seconds> <line>" for each line of a streamed response.
timed_lines() {
  curl -sN --max-time 30 "$@" | while IFS= read -r line; do
    printf '%s %s\n' "$(date +%s.%N)" "$line"
  done
}

# rss_watch PID...: samples the processes' VmRSS (kB) every 0.2 s into $BATS_TEST_TMPDIR/rss
# until the file $BATS_TEST_TMPDIR/rss.stop exists; one line per sample, one column per PID.
rss_watch() {
  local p
  while [ ! -e "$BATS_TEST_TMPDIR/rss.stop" ]; do
    for p in "$@"; do printf '%s ' "$(prod_rss "$p")"; done >>"$BATS_TEST_TMPDIR/rss"
    echo >>"$BATS_TEST_TMPDIR/rss"
    sleep 0.2
  done
}

# rss_start / rss_stop WHAT / rss_assert_flat: natively, sample the host's and the worker's
# RSS while a transfer runs, print the growth, and fail when either grew by 200 MB or more
# (a buffered 1 GiB body would). In a container the processes are not ours to read: no-ops.
rss_start() {
  RSS_ON=0
  [ "$PYFN_TARGET" = native ] || return 0
  RSS_ON=1
  RSS_HOST=$(pyfn_pid asgi)
  http_request -n asgi GET /pid
  RSS_WORKER=$(http_json .pid)
  RSS_BASE_H=$(prod_rss "$RSS_HOST"); RSS_BASE_W=$(prod_rss "$RSS_WORKER")
  rss_watch "$RSS_HOST" "$RSS_WORKER" &
  RSS_WATCHER=$!
}

rss_stop() {
  [ "$RSS_ON" = 1 ] || return 0
  touch "$BATS_TEST_TMPDIR/rss.stop"; wait "$RSS_WATCHER"
  echo "# RSS growth during the $1: host $(rss_growth 1 "$RSS_BASE_H") MB (from $((RSS_BASE_H / 1024)) MB), worker $(rss_growth 2 "$RSS_BASE_W") MB (from $((RSS_BASE_W / 1024)) MB), $(wc -l <"$BATS_TEST_TMPDIR/rss") samples" | tee /dev/fd/3
}

rss_assert_flat() {
  [ "$RSS_ON" = 1 ] || return 0
  [ "$(rss_growth 1 "$RSS_BASE_H")" -lt 200 ]
  [ "$(rss_growth 2 "$RSS_BASE_W")" -lt 200 ]
}

# rss_growth COLUMN BASE_KB: prints the largest sample of COLUMN minus BASE_KB, in MB.
rss_growth() {
  awk -v c="$1" -v b="$2" '$c > m { m = $c } END { printf "%d\n", (m - b) / 1024 }' \
    "$BATS_TEST_TMPDIR/rss"
}

@test "streaming: the worker advertised HttpUri and the host forwards to it" {
  assert_log -n asgi 'serves HTTP functions over http://127\.0\.0\.1:[0-9]+/ \(streaming HTTP\)'
  assert_log -n ext 'serves HTTP functions over http://127\.0\.0\.1:[0-9]+/ \(streaming HTTP\)'
}

@test "streaming: a FastAPI StreamingResponse with pauses reaches curl line by line" {
  timed_lines "$(pyfn_url asgi)/ticks?n=5&pause=0.6" >"$BATS_TEST_TMPDIR/lines"
  cat "$BATS_TEST_TMPDIR/lines"
  [ "$(wc -l <"$BATS_TEST_TMPDIR/lines")" -eq 5 ]
  # Each line arrives when the app wrote it: the first ~2.4 s before the last (buffering
  # would deliver all five at once), and within 0.5 s of the worker's own timestamp.
  run awk 'NR == 1 { first = $1 } { last = $1; lag = $1 - $4; if (lag > max) max = lag }
           END { spread = last - first; print spread, max;
                 exit !(spread > 2.0 && max < 0.5) }' "$BATS_TEST_TMPDIR/lines"
  echo "spread and largest lag: $output"
  assert_success
  assert_equal "$(awk '{ print $2, $3 }' "$BATS_TEST_TMPDIR/lines" | tr '\n' ' ')" \
    'tick 0 tick 1 tick 2 tick 3 tick 4 '
}

@test "streaming: server-sent events arrive as the app sends them, chunked" {
  curl -sN -D "$BATS_TEST_TMPDIR/h" -o /dev/null --max-time 10 "$(pyfn_url asgi)/sse?n=1"
  grep -qi '^content-type: text/event-stream' "$BATS_TEST_TMPDIR/h"
  grep -qi '^transfer-encoding: chunked' "$BATS_TEST_TMPDIR/h"
  timed_lines "$(pyfn_url asgi)/sse?n=3&pause=1" >"$BATS_TEST_TMPDIR/ev"
  cat "$BATS_TEST_TMPDIR/ev"
  assert_equal "$(grep -c 'data: event' "$BATS_TEST_TMPDIR/ev")" 3
  run awk '/data: event 0/ { a = $1 } /data: event 2/ { b = $1 } END { print b - a; exit !(b - a > 1.5) }' \
    "$BATS_TEST_TMPDIR/ev"
  assert_success
}

@test "streaming: a 1 GiB upload is hashed by the function as it arrives, memory stays flat" {
  local want got
  rss_start
  got=$(yes pyfn-streaming-upload | head -c "$BIG" |
    curl -sS --max-time 300 -X POST -T - -H 'Content-Type: application/octet-stream' \
      "$(pyfn_url asgi)/hash")
  rss_stop upload
  want=$(yes pyfn-streaming-upload | head -c "$BIG" | sha256sum | cut -d' ' -f1)
  echo "answer: $got"
  assert_equal "$(jq -r .sha256 <<<"$got")" "$want"
  assert_equal "$(jq -r .bytes <<<"$got")" "$BIG"
  [ "$(jq -r .pieces <<<"$got")" -gt 100 ]
  rss_assert_flat
}

@test "streaming: a 1 GiB download from a generator arrives whole, memory stays flat" {
  local want got
  rss_start
  got=$(curl -sS --max-time 300 "$(pyfn_url asgi)/download?mib=1024" | sha256sum | cut -d' ' -f1)
  rss_stop download
  want=$(/usr/bin/python3 -c '
import sys
b = bytes(range(256)) * 4096
for _ in range(1024):
    sys.stdout.buffer.write(b)' | sha256sum | cut -d' ' -f1)
  assert_equal "$got" "$want"
  rss_assert_flat
}

@test "streaming: the fastapi-extension model streams, with route parameters" {
  timed_lines "$(pyfn_url ext)/api/stream/4" >"$BATS_TEST_TMPDIR/lines"
  cat "$BATS_TEST_TMPDIR/lines"
  assert_equal "$(awk '{ print $2, $3 }' "$BATS_TEST_TMPDIR/lines" | tr '\n' ' ')" \
    'line 0 line 1 line 2 line 3 '
  run awk 'NR == 1 { a = $1 } { b = $1 } END { exit !(b - a > 0.6) }' "$BATS_TEST_TMPDIR/lines"
  assert_success
}

@test "streaming: the fastapi-extension model reads an upload with req.stream()" {
  head -c 300000 /dev/urandom >"$BATS_TEST_TMPDIR/up"
  http_request -n ext POST /api/upload --data-binary "@$BATS_TEST_TMPDIR/up"
  assert_http_status 200
  assert_http_header Content-Type '^application/json'
  assert_equal "$(http_json .bytes)" 300000
  assert_equal "$(http_json .sha256)" "$(sha256sum <"$BATS_TEST_TMPDIR/up" | cut -d' ' -f1)"
}

@test "streaming: a plain value from a fastapi-model function is answered as JSON" {
  http_request -n ext GET '/api/values/ada?q=x%20y'
  assert_http_status 200
  assert_equal "$(http_json .name)" ada
  assert_equal "$(http_json .q)" 'x y'
}

@test "streaming: a classic func.HttpRequest function in the same app still works" {
  http_request -n ext GET '/api/classic?x=7'
  assert_http_status 201
  assert_equal "$HTTP_BODY" 'classic 7'
  assert_http_header X-Classic '^yes$'
}

@test "streaming: a function-level key is still required on a streaming function" {
  http_request -n ext GET /api/secret
  assert_http_status 401
  http_request -n ext GET /api/secret -H "x-functions-key: wrong"
  assert_http_status 401
  http_request -n ext GET "/api/secret?code=$STREAM_KEY"
  assert_http_status 200
  assert_equal "$HTTP_BODY" 'secret ok'
}

@test "streaming: the request body limit holds for a chunked streamed upload (413)" {
  run bash -c "head -c 3000000 /dev/zero | curl -sS -o /dev/null -w '%{http_code}' \
    --max-time 30 -X POST -T - '$(pyfn_url ext)/api/upload'"
  assert_equal "$output" 413
  # ... and with Content-Length, before anything is forwarded.
  head -c 3000000 /dev/zero >"$BATS_TEST_TMPDIR/big"
  http_request -n ext POST /api/upload --data-binary "@$BATS_TEST_TMPDIR/big"
  assert_http_status 413
}

@test "streaming: unknown routes are 404 and metrics count the streamed responses" {
  http_request -n ext GET /api/nothing-here
  assert_http_status 404
  assert_log -n ext 'Executed .Functions\.stream. \(Succeeded'
}
