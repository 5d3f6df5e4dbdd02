#!/usr/bin/env bats
# Spec row B6: queue output bindings and the queue trigger, against Azurite.
# App: tests/apps/storage-queue (see its README).

load helpers/common
load helpers/storage

setup_file() {
  azurite_start
  pyfn_start_storage storage-queue
}

teardown_file() {
  pyfn_stop_all
  azurite_stop
}

@test "B6: a str output becomes one base64-encoded message, the queue created when missing" {
  http_request POST /api/enqueue/str --data-binary 'hello queue'
  assert_http_status 202
  run storage peek out-str
  assert_output 'hello queue'
  run storage peek-raw out-str
  assert_output "$(printf 'hello queue' | base64)"
}

@test "B6: bytes, func.QueueMessage and JSON-serialisable outputs" {
  http_request POST /api/enqueue/bytes --data-binary 'raw bytes'
  assert_http_status 202
  run storage peek out-bytes
  assert_output 'raw bytes'
  http_request POST /api/enqueue/message --data-binary 'message body'
  assert_http_status 202
  run storage peek out-message
  assert_output 'message body'
  http_request POST /api/enqueue/json
  assert_http_status 202
  run storage peek out-json
  assert_output '{"items":["a","b"],"order":7}'
}

@test "B6: a list output is one message per item; queueName expressions resolve from the query" {
  http_request POST '/api/enqueue/list?kind=abc'
  assert_http_status 202
  run storage peek out-list-abc
  assert_output "$(printf 'one\ntwo\nthree')"
}

@test "B6: a value the queue output cannot send is a TypeError naming the binding and type" {
  http_request POST /api/enqueue/unsupported
  assert_http_status 500
  assert_log "TypeError: the 'queue' binding cannot convert a value of type object"
}

@test "B6: the queue trigger gets func.QueueMessage with Azure's metadata and deletes the message" {
  storage put-message work-items 'job-1'
  storage_wait 20 peek work-done || fail "nothing on work-done; $(pyfn_log | tail -20)"
  local j="$output"
  [ "$(json_get "$j" .body)" = job-1 ]
  [ "$(json_get "$j" .dequeue_count)" = 1 ]
  [[ "$(json_get "$j" .id)" =~ ^[0-9a-f-]{36}$ ]]
  [ -n "$(json_get "$j" .pop_receipt)" ] && [ "$(json_get "$j" .pop_receipt)" != null ]
  [[ "$(json_get "$j" .insertion_time)" =~ ^20[0-9]{2}-.*\+00:00$ ]]
  [[ "$(json_get "$j" .expiration_time)" =~ ^20[0-9]{2}- ]]
  [[ "$(json_get "$j" .time_next_visible)" =~ ^20[0-9]{2}- ]]
  assert_log "Executing 'Functions\.work' \(Reason='New queue message detected on 'work-items'\.'"
  assert_storage_eventually 10 0 count work-items
}

@test "B6: a str parameter on a queue trigger gets the message text" {
  storage put-message text-items 'plain text'
  storage_wait 20 peek text-done || fail "nothing on text-done"
  assert_output 'str:plain text'
}

@test "B6: a failed message becomes visible again and succeeds on its next dequeue" {
  storage put-message flaky-items 'flaky-1'
  storage_wait 30 peek flaky-done || fail "nothing on flaky-done; $(pyfn_log | tail -30)"
  assert_output 'flaky-1 after 2'
  assert_log "flaky fails on dequeue 1"
  assert_storage_eventually 10 0 count flaky-items
}

@test "B6: a message failing maxDequeueCount times moves to <queue>-poison" {
  storage put-message doomed-items 'doomed-1'
  storage_wait 40 peek doomed-items-poison || fail "nothing poisoned; $(pyfn_log | tail -30)"
  assert_output 'doomed-1'
  assert_log "message .* on 'doomed-items': Message has reached MaxDequeueCount of 3\. Moving message to queue 'doomed-items-poison'"
  [ "$(pyfn_log | grep -Eo 'doomed fails on dequeue [0-9]+' | sort -u | wc -l)" -eq 3 ]
  assert_storage_eventually 10 0 count doomed-items
}

@test "B6: a message that is not valid base64 goes to the poison queue as stored, the reason logged" {
  storage put-message work-items 'not base64 !!' --raw
  storage_wait 20 peek-raw work-items-poison || fail "nothing poisoned; $(pyfn_log | tail -20)"
  assert_output 'not base64 !!'
  assert_log "on 'work-items': .*not valid base64.*Moving message to queue 'work-items-poison'"
}

@test "B6: a message that is not JSON where a binding uses its members goes to the poison queue" {
  storage put-message order-items '{"orderId": 42}'
  storage_wait 20 get-blob orders/42.txt || fail "no receipt blob; $(pyfn_log | tail -20)"
  assert_output 'order 42'
  storage put-message order-items 'not json'
  storage_wait 20 peek order-items-poison || fail "nothing poisoned"
  assert_output 'not json'
  assert_log "on 'order-items': its body is not a JSON object, and binding 'receipt' uses \{orderId\}"
}

@test "measure: queue trigger throughput (one host, one worker) against Azurite" {
  # Fill the queue while no host listens, then time the drain from the host's own log lines.
  local n=1000 k
  pyfn_stop
  for k in 0 1 2 3; do storage put-many bench-items $((n / 4)) "b$k-" & done
  wait
  pyfn_start_storage storage-queue
  local deadline=$(($(date +%s) + 180))
  while [ "$(pyfn_log_count "Executed 'Functions\.bench' \(Succeeded")" -lt "$n" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "only $(pyfn_log_count "Executed 'Functions\.bench'") of $n in 180 s"
    sleep 0.2
  done
  local first last ms
  first=$(pyfn_log | grep -m1 "Executing 'Functions.bench'" | sed 's/^\[\([^]]*\)Z\].*/\1/')
  last=$(pyfn_log | grep "Executed 'Functions.bench'" | tail -1 | sed 's/^\[\([^]]*\)Z\].*/\1/')
  ms=$(( ($(date -u -d "$last" +%s%N) - $(date -u -d "$first" +%s%N)) / 1000000 ))
  mkdir -p "$PYFN_ROOT/out/test-results"
  echo "queue trigger throughput (one host, one worker, Azurite, batchSize 16, newBatchThreshold 8): $n messages in ${ms} ms = $(awk -v n="$n" -v t="$ms" 'BEGIN { printf "%.0f", n * 1000 / t }') msg/s" \
    | tee -a "$PYFN_ROOT/out/test-results/storage-measurements.txt" >&3
  assert_storage_eventually 20 0 count bench-items
}
