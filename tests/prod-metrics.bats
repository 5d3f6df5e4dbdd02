#!/usr/bin/env bats
# Production host, metrics (docs/behaviour.md, host-metrics): Prometheus metrics on /admin/metrics (master key) and PYFN_METRICS_PORT.
# Apps: tests/apps/prod-host; tests/apps/storage-queue against Azurite (queue triggers).

load helpers/common
load helpers/prod
load helpers/storage

MASTER=metrics-master-key-0123456789abcdef

setup_file() {
  export METRICS_PORT
  METRICS_PORT=$(pyfn_free_port)
  pyfn_start -e AzureWebJobsSecretStorageType=memory -e "PYFN_MASTER_KEY=$MASTER" \
    -e "PYFN_METRICS_PORT=$METRICS_PORT" prod-host
}

teardown_file() {
  pyfn_stop_all
  # Azurite, when the queue test started it (its exports stay in that test's subshell).
  [ ! -d "$BATS_FILE_TMPDIR/azurite" ] || AZURITE_DIR="$BATS_FILE_TMPDIR/azurite" azurite_stop
}

# azurite_once: start Azurite the first time a test of this file needs it; later tests reuse
# it (a test's exports do not reach the next test).
azurite_once() {
  if [ -s "$BATS_FILE_TMPDIR/azurite/connection-string" ]; then
    export AZURITE_DIR="$BATS_FILE_TMPDIR/azurite"
    AZURITE_CONNECTION_STRING=$(cat "$AZURITE_DIR/connection-string")
    AZURITE_BLOB_PORT=$(cat "$AZURITE_DIR/blob-port")
    AZURITE_QUEUE_PORT=$(cat "$AZURITE_DIR/queue-port")
    export AZURITE_CONNECTION_STRING AZURITE_BLOB_PORT AZURITE_QUEUE_PORT
  else
    azurite_start
  fi
}

# metrics_of NAME: /admin/metrics of instance NAME into $output.
metrics_of() {
  http_request -n "$1" GET /admin/metrics -H "x-functions-key: $MASTER"
}

# metric_value NAME SERIES: the value of one series ('name{labels}') in $output, or nothing.
metric_value() {
  printf '%s\n' "$output" | awk -v s="$1" 'index($0, s " ") == 1 { print $2 }'
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
  assert_output --regexp 'pyfn_invocations_total\{function="anon",trigger="http",outcome="success"\} [2-9]'
  assert_output --regexp 'pyfn_invocation_duration_seconds_bucket\{function="sleep",trigger="http",le="0.25"\} 0'
  assert_output --regexp 'pyfn_invocation_duration_seconds_bucket\{function="sleep",trigger="http",le="0.5"\} 1'
  assert_output --regexp 'pyfn_invocation_duration_seconds_count\{function="sleep",trigger="http"\} 1'
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

@test "queue triggers: invocations by outcome, the lag from insertion to dequeue, the queue length" {
  azurite_once
  # Two messages wait 6 s before any host runs: their lag is at least that.
  storage put-message work-items early1
  storage put-message work-items early2
  sleep 6
  pyfn_start_storage -n q -e "PYFN_MASTER_KEY=$MASTER" storage-queue
  storage put-message work-items late1
  storage put-message flaky-items f1   # fails on its first dequeue, succeeds on the second
  local deadline=$((SECONDS + 30)) ok=""
  while [ "$SECONDS" -lt "$deadline" ]; do
    metrics_of q
    if [ "$(metric_value 'pyfn_invocations_total{function="work",trigger="queue",outcome="success"}')" = 3 ] &&
       [ "$(metric_value 'pyfn_invocations_total{function="flaky",trigger="queue",outcome="success"}')" = 1 ]; then
      ok=1; break
    fi
    sleep 0.5
  done
  [ -n "$ok" ] || { echo "$output" | grep -E '^pyfn_(invocations_total|queue)'; fail "queue invocations not counted"; }
  assert_equal "$(metric_value 'pyfn_invocations_total{function="flaky",trigger="queue",outcome="failure"}')" 1
  assert_equal "$(metric_value 'pyfn_invocation_duration_seconds_count{function="work",trigger="queue"}')" 3
  # Lag: one observation per message (its first dequeue only), the early ones >= 6 s, none absurd.
  local lag='pyfn_queue_trigger_lag_seconds'
  assert_equal "$(metric_value "${lag}_count{function=\"work\",queue=\"work-items\"}")" 3
  assert_equal "$(metric_value "${lag}_count{function=\"flaky\",queue=\"flaky-items\"}")" 1
  assert_equal "$(metric_value "${lag}_bucket{function=\"work\",queue=\"work-items\",le=\"5\"}")" 1
  assert_equal "$(metric_value "${lag}_bucket{function=\"work\",queue=\"work-items\",le=\"60\"}")" 3
  local sum
  sum=$(metric_value "${lag}_sum{function=\"work\",queue=\"work-items\"}")
  awk -v s="$sum" 'BEGIN { exit !(s >= 12 && s < 120) }' || fail "lag sum $sum (two messages waited >= 6 s)"
  assert_output --partial '# TYPE pyfn_queue_trigger_lag_seconds histogram'
  # The approximate queue length, as last polled (a number; the queue drains meanwhile).
  [[ "$(metric_value 'pyfn_queue_messages{function="work",queue="work-items"}')" =~ ^[0-9]+$ ]] ||
    fail "no pyfn_queue_messages for work-items"
  # HTTP invocations of the same host carry trigger="http".
  http_request -n q POST /api/enqueue/str --data-binary 'x'
  metrics_of q
  assert_equal "$(metric_value 'pyfn_invocations_total{function="enqueue_str",trigger="http",outcome="success"}')" 1
  pyfn_stop q
}

@test "timer triggers: invocations by outcome, each retry an invocation of its own" {
  azurite_once
  pyfn_start_storage -n t -e "PYFN_MASTER_KEY=$MASTER" storage-timer
  local deadline=$((SECONDS + 30)) ok=""
  while [ "$SECONDS" -lt "$deadline" ]; do
    metrics_of t
    # retried: runOnStartup, attempts 0 and 1 fail, 2 succeeds (tests/apps/storage-timer).
    if [ "$(metric_value 'pyfn_invocations_total{function="retried",trigger="timer",outcome="success"}')" = 1 ] &&
       [ "$(metric_value 'pyfn_invocations_total{function="tick",trigger="timer",outcome="success"}')" -ge 2 ] 2>/dev/null; then
      ok=1; break
    fi
    sleep 0.5
  done
  [ -n "$ok" ] || { echo "$output" | grep -E '^pyfn_invocations_total'; fail "timer invocations not counted"; }
  assert_equal "$(metric_value 'pyfn_invocations_total{function="retried",trigger="timer",outcome="failure"}')" 2
  assert_output --regexp 'pyfn_invocation_duration_seconds_count\{function="tick",trigger="timer"\} [2-9]'
  pyfn_stop t
}
