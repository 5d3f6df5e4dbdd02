#!/usr/bin/env bats
# A function that kills its worker (os._exit(1)): the request in flight answers 500 quickly,
# the host starts a new worker, later requests succeed (spec R6's
# "the worker keeps serving" for the worst case). App: tests/apps/crash.

load helpers/common

setup_file() {
  pyfn_start crash
}

teardown_file() {
  pyfn_stop_all
}

# wait_for_200 PATH SECS: poll until PATH answers 200.
wait_for_200() {
  local deadline=$((SECONDS + $2))
  while [ "$SECONDS" -lt "$deadline" ]; do
    http_request GET "$1" 2>/dev/null && [ "$HTTP_STATUS" = 200 ] && return 0
    sleep 0.3
  done
  return 1
}

@test "a request whose worker exits answers 500 within 10 seconds" {
  http_request GET /api/pid
  assert_http_status 200
  http_request GET /api/crash
  assert_http_status 500
  run awk -v t="$HTTP_TIME" 'BEGIN { exit !(t < 10) }'
  assert_success
}

@test "the host restarts the worker and later requests answer 200 from a new process" {
  wait_for_200 /api/pid 30
  local before=$output
  http_request GET /api/crash
  assert_http_status 500
  run wait_for_200 /api/pid 30
  assert_success
  http_request GET /api/pid
  assert_http_status 200
  refute_output "$before"
}

@test "the host stays Running after a worker crash" {
  wait_for_200 /api/pid 30
  run pyfn_status
  assert_output --regexp '"state" *: *"Running"'
  assert pyfn_alive
}

@test "the host logs that the worker exited" {
  assert_log '[Ww]orker.*(exit|died|crash|terminat|restart)'
}
