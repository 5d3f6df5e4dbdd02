#!/usr/bin/env bats
# Streaming HTTP under the production host's rules (docs/behaviour.md, "Streaming HTTP"):
# OpenTelemetry spans of streamed requests, functionTimeout before and after the response
# head, draining on SIGTERM with a stream open, CORS, keys, maxConcurrentRequests and the
# metrics, each on a request the host forwards to the worker's HttpUri.
# App: tests/apps/streaming-prod (the fastapi-extension model; FastAPI and Starlette are
# Debian's packages of the cell's release, fetched at test time into a copy of the app);
# spans go to tests/helpers/otlp-sink.py.

load helpers/common
load helpers/otlp

MASTER=streaming-prod-master-key-0123456789
KEY=streaming-prod-function-key-0123456789
ORIGIN=https://a.example

setup_file() {
  STREAM_APP=$(pyfn_copy_app streaming-prod)
  export STREAM_APP
  pyfn_add_debian_python -r "$PYFN_DEBIAN_RELEASE" -d "$STREAM_APP" \
    python3-fastapi python3-starlette python3-pydantic python3-anyio
  local -a otel=()
  # The container must reach the sink on this machine's loopback; else the span tests skip.
  if [ "$PYFN_TARGET" = native ] || pyfn_engine_host_network; then
    otel=(-e "OTEL_EXPORTER_OTLP_ENDPOINT=$(otlp_start main)" -e OTEL_BSP_SCHEDULE_DELAY=100)
  fi
  pyfn_start "${otel[@]}" -e AzureWebJobsSecretStorageType=memory \
    -e "PYFN_MASTER_KEY=$MASTER" -e "PYFN_FUNCTION_KEY=$KEY" \
    -e "CORS_ALLOWED_ORIGINS=[\"$ORIGIN\"]" "$STREAM_APP"
}

teardown_file() {
  pyfn_stop_all
  otlp_stop_all
}

require_sink() {
  [ -s "$BATS_FILE_TMPDIR/otlp-main/port" ] ||
    skip "the container cannot reach the OTLP sink on this machine's loopback"
}

# scrape [NAME]: GET /admin/metrics of instance NAME (default app) into $METRICS.
scrape() {
  http_request -n "${1:-app}" GET /admin/metrics -H "x-functions-key: $MASTER" >/dev/null
  METRICS=$HTTP_BODY
}

# series SERIES: the value of a Prometheus series in the last scrape (0 when absent).
series() {
  local v
  v=$(printf '%s\n' "$METRICS" | awk -v m="$1" '$1 == m { print $2 }')
  printf '%s\n' "${v:-0}"
}

# wait_served: /api/pid answers 200 within 20 s (a new worker after a timeout); its body in
# $HTTP_BODY.
wait_served() {
  local deadline=$((SECONDS + 20))
  while [ "$SECONDS" -lt "$deadline" ]; do
    http_request GET /api/pid && [ "$HTTP_STATUS" = 200 ] && return 0
    sleep 0.3
  done
  fail "no answer from /api/pid after a worker restart; $(pyfn_log | tail -20)"
}

# start_drain NAME GRACE: a host of the app with PYFN_SHUTDOWN_GRACE_PERIOD=GRACE.
start_drain() {
  pyfn_start -n "$1" -e AzureWebJobsSecretStorageType=memory \
    -e "PYFN_SHUTDOWN_GRACE_PERIOD=$2" "$STREAM_APP"
}

# stream_to FILE NAME PATH: curl PATH of instance NAME in the background, the body to FILE,
# "<curl exit> <http code> <seconds>" to FILE.rc at the end; its pid in $STREAM_PID (wait for
# that pid: a bare `wait` would also wait for the hosts a test started).
stream_to() {
  (
    rc=0
    code=$(curl -sS -N -o "$1" -w '%{http_code} %{time_total}' --max-time 40 \
      "$(pyfn_url "$2")$3" 2>"$1.err") || rc=$?
    echo "$rc $code" >"$1.rc"
  ) &
  STREAM_PID=$!
}

@test "streaming spans: a streamed request is a server span with the invocation span as its child; the worker gets the invocation's context" {
  require_sink
  http_request GET /api/trace -H 'User-Agent: otel-stream'
  assert_http_status 200
  otlp_assert_http_trace main trace /api/trace otel-stream
  [ "$(jq -r '.attributes["http.response.body.size"]' <<<"$SERVER_SPAN")" = "$(wc -c <"$HTTP_BODY_FILE")" ]
}

@test "streaming spans: a chunked response's server span ends with it and counts its bytes both ways" {
  require_sink
  head -c 5000 /dev/zero >"$BATS_TEST_TMPDIR/up"
  http_request GET '/api/lines/4?pause=0.4' -H 'User-Agent: otel-lines' \
    --data-binary "@$BATS_TEST_TMPDIR/up" -X GET
  assert_http_status 200
  assert_equal "$(wc -l <"$HTTP_BODY_FILE")" 4
  local cond='.kind == 2 and .attributes["user_agent.original"] == "otel-lines"'
  otlp_wait main 10 1 "$cond" >/dev/null || fail "no server span for /api/lines/4"
  local srv
  srv=$(otlp_spans main "$cond" | head -1)
  [ "$(jq -r '.attributes["http.response.status_code"]' <<<"$srv")" = 200 ]
  [ "$(jq -r '.attributes["http.response.body.size"]' <<<"$srv")" = 28 ]
  [ "$(jq -r '.attributes["url.path"]' <<<"$srv")" = /api/lines/4 ]
  # The span lasts as long as the stream (3 pauses of 0.4 s), not just until its head.
  [ $(( $(jq -r .end <<<"$srv") - $(jq -r .start <<<"$srv") )) -ge 1200000000 ]
  local inv
  otlp_wait main 10 1 ".parent_span_id == $(jq .span_id <<<"$srv")" >/dev/null ||
    fail "no invocation span under the server span"
  inv=$(otlp_spans main ".parent_span_id == $(jq .span_id <<<"$srv")" | head -1)
  [ "$(jq -r .name <<<"$inv")" = lines ]
  [ "$(jq -r .trace_id <<<"$inv")" = "$(jq -r .trace_id <<<"$srv")" ]
}

@test "streaming spans: an incoming traceparent and tracestate continue the caller's trace" {
  require_sink
  otlp_assert_continued main 6bf92f3577b34da6a3ce929d0e0e4736 /api/trace
}

@test "streaming CORS: the host answers the preflight; a streamed response carries Allow-Origin" {
  local before
  before=$(pyfn_log_count "Executing 'Functions.lines'")
  http_request OPTIONS /api/lines/2 -H "Origin: $ORIGIN" -H 'Access-Control-Request-Method: GET'
  assert_http_status 204
  assert_http_header Access-Control-Allow-Origin "^$ORIGIN\$"
  assert_http_header Access-Control-Allow-Methods GET
  assert_equal "$(pyfn_log_count "Executing 'Functions.lines'")" "$before"
  http_request GET '/api/lines/2?pause=0.1' -H "Origin: $ORIGIN"
  assert_http_status 200
  assert_http_header Transfer-Encoding chunked
  assert_http_header Access-Control-Allow-Origin "^$ORIGIN\$"
  assert_http_header Vary Origin
  assert_equal "$HTTP_BODY" "$(printf 'line 0\nline 1')"
  http_request GET '/api/lines/1' -H 'Origin: https://evil.example'
  assert_http_status 200
  refute_http_header Access-Control-Allow-Origin
}

@test "streaming keys: a function-level streamed function rejects a keyless request before invoking it" {
  http_request GET /api/secret -H "Origin: $ORIGIN"
  assert_http_status 401
  assert_http_header Access-Control-Allow-Origin "^$ORIGIN\$"
  http_request GET /api/secret -H 'x-functions-key: wrong'
  assert_http_status 401
  refute_log "Executing 'Functions.secret'"
  http_request GET /api/secret -H "x-functions-key: $KEY"
  assert_http_status 200
  assert_equal "$HTTP_BODY" 'secret ok'
}

@test "streaming metrics: a streamed request counts as an invocation and a response" {
  local inv='pyfn_invocations_total{function="lines",trigger="http",outcome="success"}'
  local ok='pyfn_http_responses_total{code="200"}' unauth='pyfn_http_responses_total{code="401"}'
  local inv0 ok0 unauth0
  scrape
  inv0=$(series "$inv") ok0=$(series "$ok") unauth0=$(series "$unauth")
  http_request GET '/api/lines/3?pause=0.1'
  assert_http_status 200
  http_request GET /api/secret
  assert_http_status 401
  scrape
  assert_equal "$(series "$inv")" $((inv0 + 1))
  # The streamed 200 and the first scrape's own answer.
  assert_equal "$(series "$ok")" $((ok0 + 2))
  assert_equal "$(series "$unauth")" $((unauth0 + 1))
}

@test "streaming limits: maxConcurrentRequests=1 holds a second stream until the first ended, the third gets 429" {
  # maxOutstandingRequests counts the running requests and the queued ones.
  pyfn_start -n lim -e AzureFunctionsJobHost__extensions__http__maxConcurrentRequests=1 \
    -e AzureFunctionsJobHost__extensions__http__maxOutstandingRequests=2 \
    -e AzureWebJobsSecretStorageType=memory -e "PYFN_MASTER_KEY=$MASTER" "$STREAM_APP"
  local i pids=()
  for i in 1 2 3; do
    stream_to "$BATS_TEST_TMPDIR/s$i" lim '/api/lines/5?pause=0.3'
    pids+=("$STREAM_PID")
    sleep 0.2
  done
  wait "${pids[@]}"
  cat "$BATS_TEST_TMPDIR"/s?.rc >&2
  assert_equal "$(cat "$BATS_TEST_TMPDIR"/s?.rc | grep -c '^0 200 ')" 2
  assert_equal "$(cat "$BATS_TEST_TMPDIR"/s?.rc | grep -c '^0 429 ')" 1
  # The held one began once the first had streamed its 1.2 s, so it took well over its own
  # 1.2 s.
  run awk '$2 == 200 && $3 > 1.8 { n++ } END { print n + 0 }' "$BATS_TEST_TMPDIR"/s?.rc
  assert_output 1
  for i in 1 2 3; do
    grep -q '^0 200 ' "$BATS_TEST_TMPDIR/s$i.rc" || continue
    assert_equal "$(wc -l <"$BATS_TEST_TMPDIR/s$i")" 5
  done
  scrape lim
  [ "$(series pyfn_http_throttled_total)" = 1 ]
  pyfn_stop lim
}

@test "streaming drain: SIGTERM with a stream open lets it finish within the grace period" {
  [ "$PYFN_TARGET" = native ] || skip "signals the native host"
  start_drain drain 10
  stream_to "$BATS_TEST_TMPDIR/d" drain '/api/lines/8?pause=0.4'
  sleep 0.8
  kill -TERM "$(pyfn_pid drain)"
  wait "$STREAM_PID"
  cat "$BATS_TEST_TMPDIR/d.rc" "$BATS_TEST_TMPDIR/d.err" >&2
  assert_equal "$(cut -d' ' -f1-2 "$BATS_TEST_TMPDIR/d.rc")" '0 200'
  assert_equal "$(wc -l <"$BATS_TEST_TMPDIR/d")" 8
  pyfn_wait_exit drain 10
  assert_equal "$exit_status" 0
  assert_log -n drain 'Host stopped'
}

@test "streaming drain: a stream longer than the grace period is cut, the host still stops" {
  [ "$PYFN_TARGET" = native ] || skip "signals the native host"
  start_drain cut 2
  stream_to "$BATS_TEST_TMPDIR/c" cut '/api/lines/100?pause=0.2'
  local cut_pid=$STREAM_PID
  stream_to "$BATS_TEST_TMPDIR/h" cut '/api/lines/1?wait=30'
  sleep 0.8
  local t0=$SECONDS
  kill -TERM "$(pyfn_pid cut)"
  wait "$cut_pid" "$STREAM_PID"
  cat "$BATS_TEST_TMPDIR/c.rc" "$BATS_TEST_TMPDIR/c.err" "$BATS_TEST_TMPDIR/h.rc" >&2
  # After its head the stream can only be cut: curl reports the unfinished chunked body.
  assert_equal "$(cut -d' ' -f1-2 "$BATS_TEST_TMPDIR/c.rc")" '18 200'
  local n
  n=$(wc -l <"$BATS_TEST_TMPDIR/c")
  [ "$n" -gt 3 ] && [ "$n" -lt 100 ] || fail "lines before the cut: $n"
  # Before its head the client gets a whole answer, as a cancelled buffered invocation does.
  assert_equal "$(cut -d' ' -f1-2 "$BATS_TEST_TMPDIR/h.rc")" '0 503'
  pyfn_wait_exit cut 10
  [ $((SECONDS - t0)) -le 10 ] || fail "the host took $((SECONDS - t0)) s to stop"
  assert_log -n cut 'Grace period over with 2 invocation\(s\) still running'
}

@test "streaming functionTimeout: before the response head the client gets 500; the next request works" {
  wait_served
  local before=$HTTP_BODY
  http_request GET '/api/lines/1?wait=30'
  assert_http_status 500
  awk -v t="$HTTP_TIME" 'BEGIN { exit !(t < 7) }' || fail "answered after ${HTTP_TIME}s"
  wait_served
  [ "$HTTP_BODY" != "$before" ] || fail "the worker was not recycled"
  assert_log 'Timeout value of 00:00:04 exceeded by function .Functions\.lines.'
}

@test "streaming functionTimeout: after the response head the connection is cut; the next stream is whole" {
  local timeouts='pyfn_invocations_total{function="lines",trigger="http",outcome="timeout"}' before
  scrape
  before=$(series "$timeouts")
  stream_to "$BATS_TEST_TMPDIR/t" app '/api/lines/100?pause=0.2'
  wait "$STREAM_PID"
  cat "$BATS_TEST_TMPDIR/t.rc" "$BATS_TEST_TMPDIR/t.err" >&2
  assert_equal "$(cut -d' ' -f1-2 "$BATS_TEST_TMPDIR/t.rc")" '18 200'
  awk '{ exit !($3 < 7) }' "$BATS_TEST_TMPDIR/t.rc" || fail "cut after $(cat "$BATS_TEST_TMPDIR/t.rc")"
  local n
  n=$(wc -l <"$BATS_TEST_TMPDIR/t")
  [ "$n" -gt 10 ] && [ "$n" -lt 100 ] || fail "lines before the cut: $n"
  wait_served
  http_request GET '/api/lines/3?pause=0.1'
  assert_http_status 200
  assert_equal "$(wc -l <"$HTTP_BODY_FILE")" 3
  scrape
  assert_equal "$(series "$timeouts")" $((before + 1))
  if [ -s "$BATS_FILE_TMPDIR/otlp-main/port" ]; then
    local cond='.name == "lines" and .attributes["pyfn.outcome"] == "timeout"'
    otlp_wait main 10 1 "$cond" >/dev/null || fail "no timeout span for lines"
    local inv
    inv=$(otlp_spans main "$cond" | tail -1)
    [ "$(jq -r .status <<<"$inv")" = 2 ]
    span_of main "$(jq -r .parent_span_id <<<"$inv")"
    [ "$(jq -r .kind <<<"$output")" = 2 ]
    [ "$(jq -r .status <<<"$output")" = 2 ]
  fi
}
