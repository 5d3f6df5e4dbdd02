#!/usr/bin/env bats
# Production host, request limits (docs/behaviour.md, host-limits). Body 413 (FUNCTIONS_REQUEST_BODY_SIZE_LIMIT), header size and count
# 431, slow clients 408 + close, maxConcurrentRequests/maxOutstandingRequests 429,
# functionTimeout; malformed, pipelined and odd requests, path traversal.
# App: tests/apps/prod-limits (its host.json holds the limits).

load helpers/common
load helpers/prod

setup_file() {
  pyfn_start -e FUNCTIONS_REQUEST_BODY_SIZE_LIMIT=1048576 -e PYFN_REQUEST_HEADERS_TIMEOUT=2 \
    -e PYFN_REQUEST_BODY_TIMEOUT=2 -e PYFN_MAX_REQUEST_HEADER_COUNT=50 \
    -e PYFN_MAX_REQUEST_HEADERS_SIZE=8192 prod-limits
}

teardown_file() {
  pyfn_stop_all
}

@test "a body over FUNCTIONS_REQUEST_BODY_SIZE_LIMIT gets 413 (Content-Length and chunked)" {
  head -c 1048576 /dev/zero >"$BATS_TEST_TMPDIR/ok.bin"
  head -c 1048577 /dev/zero >"$BATS_TEST_TMPDIR/big.bin"
  http_request POST /api/echo --data-binary "@$BATS_TEST_TMPDIR/ok.bin"
  assert_http_status 200
  assert_output "POST 1048576"
  http_request POST /api/echo --data-binary "@$BATS_TEST_TMPDIR/big.bin"
  assert_http_status 413
  http_request POST /api/echo -H 'Transfer-Encoding: chunked' --data-binary "@$BATS_TEST_TMPDIR/big.bin"
  assert_http_status 413
}

@test "a client that sends its whole oversized body before reading still gets the 413" {
  # 32 MiB against a 1 MiB limit, written in full before a byte is read: the
  # host drains what follows its answer instead of resetting the connection.
  run prod_raw -t 20 < <(printf 'POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 33554432\r\n\r\n'
    head -c 33554432 /dev/zero)
  assert_line --regexp '^HTTP/1.1 413'
  assert_line CLOSED
  run prod_raw -t 20 < <(printf 'POST /api/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2000000\r\n'
    head -c 33554432 /dev/zero; printf '\r\n0\r\n\r\n')
  assert_line --regexp '^HTTP/1.1 413'
  assert_line CLOSED
}

@test "a header block over PYFN_MAX_REQUEST_HEADERS_SIZE gets 431" {
  http_request GET /api/anon -H "X-Big: $(head -c 9000 /dev/zero | tr '\0' a)"
  assert_http_status 431
}

@test "more header fields than PYFN_MAX_REQUEST_HEADER_COUNT get 431" {
  local -a h=() i
  for i in $(seq 1 60); do h+=(-H "X-H$i: $i"); done
  http_request GET /api/anon "${h[@]}"
  assert_http_status 431
  h=()
  for i in $(seq 1 40); do h+=(-H "X-H$i: $i"); done
  http_request GET /api/anon "${h[@]}"
  assert_http_status 200
}

@test "slowloris: a header trickling in gets 408 and the connection closes" {
  local start=$SECONDS
  run prod_raw -t 8 -c 1 -d 0.5 < <(printf 'GET /api/anon HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaa\r\n\r\n')
  assert_line --regexp '^HTTP/1.1 408'
  assert_line CLOSED
  assert [ $((SECONDS - start)) -le 6 ]
}

@test "a body that stalls gets 408 and the connection closes" {
  run prod_raw -t 8 < <(printf 'POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc')
  assert_line --regexp '^HTTP/1.1 408'
  assert_line CLOSED
}

@test "an idle connection that never sends a byte is closed without an answer" {
  run prod_raw -t 3 </dev/null
  assert_output OPEN   # keep-alive timeout is 120 s; the server does not answer silence
}

@test "malformed requests get 400 and the connection closes" {
  run prod_raw < <(printf 'NONSENSE\r\n\r\n')
  assert_line --regexp '^HTTP/1.1 400'
  assert_line CLOSED
  run prod_raw < <(printf 'GET /api/anon HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n')
  assert_line --regexp '^HTTP/1.1 400'
  run prod_raw < <(printf 'GET /api/anon HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n')
  assert_line --regexp '^HTTP/1.1 400'
  run prod_raw < <(printf 'POST /api/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n')
  assert_line --regexp '^HTTP/1.1 400'
  run prod_raw < <(printf 'GET /api/anon HTTP/9.9\r\nHost: x\r\n\r\n')
  assert_line --regexp '^HTTP/1.1 (400|505)'
}

@test "pipelined requests are answered in order on one connection" {
  run prod_raw -t 10 < <(printf 'GET /api/echo HTTP/1.1\r\nHost: x\r\n\r\nPOST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcGET /api/nothing HTTP/1.1\r\nHost: x\r\n\r\nGET /api/anon HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
  assert_equal "$(prod_status_codes "$output")" "200 200 404 200"
  assert_line CLOSED
}

@test "path traversal and encoded slashes do not reach anything outside the routes" {
  local p
  for p in '/api/../host.json' '/api/%2e%2e/host.json' '/../../etc/passwd' '/api/anon/../../admin/host/keys' \
      '/api/..%2f..%2fetc%2fpasswd' '/admin/../api/anon/../../host.json'; do
    run prod_raw < <(printf 'GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' "$p")
    refute_line --regexp '^HTTP/1.1 (200|500)'
  done
}

@test "odd methods get 400, 404 or 405, never a crash" {
  local m
  for m in TRACE CONNECT PROPFIND BREW OPTIONS; do
    run prod_raw < <(printf '%s /api/anon HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' "$m")
    assert_line --regexp '^HTTP/1.1 (400|404|405)'
  done
  assert pyfn_alive
}

@test "maxConcurrentRequests runs 2 at once, maxOutstandingRequests queues 2 more, the rest get 429" {
  local i url
  url="$(pyfn_url)/api/sleep?ms=1500"
  for i in 1 2 3 4 5 6; do
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' --max-time 20 "$url" >"$BATS_TEST_TMPDIR/r$i" &
    sleep 0.1
  done
  wait
  cat "$BATS_TEST_TMPDIR"/r* >&2
  assert_equal "$(cat "$BATS_TEST_TMPDIR"/r* | grep -c '^200 ')" 4
  assert_equal "$(cat "$BATS_TEST_TMPDIR"/r* | grep -c '^429 ')" 2
  # The queued two waited for a slot (1.5 s) before their own 1.5 s: well over 2 s.
  run awk '$1 == 200 && $2 > 2.0 { n++ } END { print n }' "$BATS_TEST_TMPDIR"/r1 "$BATS_TEST_TMPDIR"/r2 \
    "$BATS_TEST_TMPDIR"/r3 "$BATS_TEST_TMPDIR"/r4 "$BATS_TEST_TMPDIR"/r5 "$BATS_TEST_TMPDIR"/r6
  assert_output 2
}

@test "dynamicThrottlesEnabled is accepted and the host says it has no effect" {
  assert_log 'dynamicThrottlesEnabled has no effect'
}

@test "functionTimeout: the client gets 500 in time and the worker is recycled" {
  http_request GET /api/pid
  local before=$HTTP_BODY
  http_request GET '/api/sleep?ms=10000'
  assert_http_status 500
  run awk -v t="$HTTP_TIME" 'BEGIN { exit !(t < 6) }'
  assert_success
  local deadline=$((SECONDS + 15))
  while [ "$SECONDS" -lt "$deadline" ]; do
    http_request GET /api/pid && [ "$HTTP_STATUS" = 200 ] && break
    sleep 0.3
  done
  assert_http_status 200
  refute_output "$before"
}
