#!/usr/bin/env bats
# Issue 8 item 5: Prometheus metrics on /admin/metrics (master key) and PYFN_METRICS_PORT.
# App: tests/apps/prod-host.

load helpers/common
load helpers/prod

MASTER=metrics-master-key-0123456789abcdef

setup_file() {
  export METRICS_PORT
  METRICS_PORT=$(pyfn_free_port)
  pyfn_start -e AzureWebJobsSecretStorageType=memory -e "PYFN_MASTER_KEY=$MASTER" \
    -e "PYFN_METRICS_PORT=$METRICS_PORT" prod-host
}

teardown_file() {
  pyfn_stop_all
}

@test "/admin/metrics needs the master key" {
  http_request GET /admin/metrics
  assert_http_status 401
  prod_with_key "$MASTER" GET /admin/metrics
  assert_http_status 200
  assert_http_header Content-Type 'text/plain; version=0.0.4'
}

@test "metrics count invocations by function and outcome, durations, statuses and workers" {
  http_request GET /api/anon
  http_request GET /api/anon
  http_request GET '/api/sleep?ms=300'
  http_request GET /api/nothing_here
  prod_with_key "$MASTER" GET /admin/metrics
  assert_output --regexp 'pyfn_invocations_total\{function="anon",outcome="success"\} [2-9]'
  assert_output --regexp 'pyfn_invocation_duration_seconds_bucket\{function="sleep",le="0.25"\} 0'
  assert_output --regexp 'pyfn_invocation_duration_seconds_bucket\{function="sleep",le="0.5"\} 1'
  assert_output --regexp 'pyfn_invocation_duration_seconds_count\{function="sleep"\} 1'
  assert_output --regexp 'pyfn_http_responses_total\{code="404"\} [1-9]'
  assert_output --regexp 'pyfn_http_responses_total\{code="200"\} [1-9]'
  assert_output --regexp 'pyfn_workers_ready 1'
  assert_output --regexp 'pyfn_worker_restarts_total 0'
  assert_output --regexp 'pyfn_invocations_in_flight 0'
  assert_output --regexp 'pyfn_host_ready 1'
}

@test "PYFN_METRICS_PORT serves /metrics without a key" {
  run curl -s --max-time 5 "http://127.0.0.1:$METRICS_PORT/metrics"
  assert_success
  assert_output --partial 'pyfn_invocations_total'
  run curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$METRICS_PORT/api/anon"
  assert_output 404
}
