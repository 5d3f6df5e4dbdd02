#!/usr/bin/env bats
# Production host, health (docs/behaviour.md, host-health): liveness vs readiness, drain, PID 1 duties (reaping), JSON-lines logs.
# App: tests/apps/prod-host.

load helpers/common
load helpers/prod

setup_file() {
  pyfn_start -e PYFN_SHUTDOWN_GRACE_PERIOD=10 prod-host
}

teardown_file() {
  pyfn_stop_all
}

@test "/admin/health/live and /admin/health/ready answer 200 without a key when Running" {
  http_request GET /admin/health/live
  assert_http_status 200
  http_request GET /admin/health/ready
  assert_http_status 200
  http_request GET /admin/host/ping
  assert_http_status 200
}

@test "orphans a function leaves behind are re-parented to the host and reaped" {
  [ "$PYFN_TARGET" = native ] || skip "checks process parents on this machine"
  http_request GET /api/orphan
  assert_http_status 200
  local child=$HTTP_BODY
  assert_equal "$(ps -o ppid= -p "$child" | tr -d ' ')" "$(pyfn_pid)"
  sleep 3
  # Gone, not a zombie.
  run ps -o stat= -p "$child"
  assert_failure
}

@test "while draining, readiness says 503, liveness 200, in-flight requests finish, exit 0" {
  [ "$PYFN_TARGET" = native ] || skip "signals the native host"
  curl -s -o "$BATS_TEST_TMPDIR/slow" -w '%{http_code}' --max-time 20 "$(pyfn_url)/api/sleep?ms=3000" \
    >"$BATS_TEST_TMPDIR/slow.code" &
  local curl_pid=$!
  sleep 0.5
  kill -TERM "$(pyfn_pid)"
  sleep 0.3
  # The listener is closed while draining, so probes go over the kept-alive path only if
  # one exists; a new connection is refused. Readiness must not say 200.
  run curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$(pyfn_url)/admin/health/ready"
  refute_output 200
  wait "$curl_pid"
  assert_equal "$(cat "$BATS_TEST_TMPDIR/slow.code")" 200
  assert_equal "$(cat "$BATS_TEST_TMPDIR/slow")" slept
  local pid i
  pid=$(pyfn_pid)
  for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  assert_log 'Host stopped'
}

@test "PYFN_LOG_FORMAT=json writes one JSON object per line" {
  pyfn_start -n json -e PYFN_LOG_FORMAT=json prod-host
  http_request -n json GET /api/anon
  assert_http_status 200
  pyfn_wait_log -n json "Executed 'Functions.anon'"
  run bash -c 'grep "^{" | jq -c "select(.level and .time and .message) | .level" | head -1' <<<"$(pyfn_log json)"
  assert_output '"info"'
  # Every host line parses (worker output lines pass through as they are).
  run bash -c 'grep "^{" | jq -e . >/dev/null && echo parsed' <<<"$(pyfn_log json)"
  assert_output parsed
  pyfn_stop json
}
