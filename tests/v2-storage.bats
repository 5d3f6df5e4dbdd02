#!/usr/bin/env bats
# Spec rows B5-B7 in the decorator model: tests/apps/v2-queue, v2-blob and v2-timer (their
# docstrings give the expected answers), against Azurite.

load helpers/common
load helpers/storage

setup_file() {
  azurite_start
  pyfn_start_storage -n queue v2-queue
  pyfn_start_storage -n blob v2-blob
  pyfn_start -n timer v2-timer
}

teardown_file() {
  pyfn_stop_all
  azurite_stop
}

@test "v2-queue: queue_output enqueues, queue_trigger gets a QueueMessage and writes its output" {
  http_request -n queue GET /api/last
  assert_http_status 200
  [ "$(http_json .last)" = null ]
  http_request -n queue POST /api/enqueue --data-binary 'hello'
  assert_http_status 202
  assert_output 'queued hello'
  assert_log -n queue -t 20 "v2 queue got: hello"
  storage_wait 20 peek v2-out || fail "nothing on v2-out"
  assert_output 'HELLO'
  http_request -n queue GET /api/last
  assert_http_status 200
  [ "$(http_json .last)" = hello ]
  [ "$(http_json .dequeue_count)" = 1 ]
  assert_storage_eventually 10 0 count v2-in
}

@test "v2-blob: blob_output and blob_input by route, None when missing" {
  http_request -n blob GET /api/blobs/none.txt
  assert_http_status 404
  assert_output 'no blob'
  http_request -n blob PUT /api/blobs/x.txt --data-binary 'abc'
  assert_http_status 201
  assert_output 'stored x.txt'
  http_request -n blob GET /api/blobs/x.txt
  assert_http_status 200
  assert_output 'abc'
}

@test "v2-blob: blob_trigger copies the blob upper-cased" {
  http_request -n blob PUT /api/blobs/y.txt --data-binary 'copy me'
  assert_http_status 201
  assert_log -n blob -t 20 "v2 blob trigger: v2-blobs/y\.txt \(7 bytes\)"
  local deadline=$(($(date +%s) + 10))
  while :; do
    http_request -n blob GET /api/copies/y.txt
    [ "$HTTP_STATUS" = 200 ] && break
    [ "$(date +%s)" -lt "$deadline" ] || fail "no copy: $HTTP_STATUS $HTTP_BODY"
    sleep 0.3
  done
  assert_output 'COPY ME'
}

@test "v2-timer: tick every 2 s, startup_once once, flaky retried until attempt 2" {
  assert_log -n timer -t 10 "v2 tick [0-9]+ past_due=False"
  assert_log -n timer -t 10 "v2 flaky attempt 2 ok"
  sleep 3
  http_request -n timer GET /api/ticks
  assert_http_status 200
  [ "$(http_json .ticks)" -ge 1 ]
  [ "$(http_json .startup_once)" = 1 ]
  [ "$(http_json '.flaky_attempts | map(tostring) | join(",")')" = "0,1,2" ]
  assert_log -n timer "v2 startup_once ran"
}
