#!/usr/bin/env bats
# Spec row R5: async def on an event loop, plain functions on a thread pool sized by
# PYTHON_THREADPOOL_THREAD_COUNT, several workers with FUNCTIONS_WORKER_PROCESS_COUNT;
# PYFN_EVENT_LOOP=uvloop runs async functions on uvloop from the app's packages (Debian's
# python3-uvloop of the cell's release, fetched at test time into a copy of the app).
# App: tests/apps/concurrency (see its README).

load helpers/common

setup_file() {
  pyfn_start concurrency
  pyfn_start -n onethread -e PYTHON_THREADPOOL_THREAD_COUNT=1 concurrency
  pyfn_start -n twoworkers -e FUNCTIONS_WORKER_PROCESS_COUNT=2 concurrency
  local uv
  uv=$(pyfn_copy_app concurrency)
  pyfn_add_debian_python -r "$PYFN_DEBIAN_RELEASE" -l "$uv" python3-uvloop
  # Debian's uvloop links libuv1, which the images lack (pip's uvloop wheels carry it inside):
  # -l copied it into the app, LD_LIBRARY_PATH finds it there.
  local native=/home/site/wwwroot/.python_packages/lib/native
  [ "$PYFN_TARGET" = image ] || native=$uv/.python_packages/lib/native
  pyfn_start -n uvloop -e PYFN_EVENT_LOOP=uvloop -e "LD_LIBRARY_PATH=$native" "$uv"
}

teardown_file() {
  pyfn_stop_all
}

# parallel_get NAME PATH N: send N requests at once; print the N bodies, one per line.
parallel_get() {
  local name=$1 path=$2 n=$3 i url
  url="$(pyfn_url "$name")$path"
  for i in $(seq 1 "$n"); do
    curl -sS -f --max-time 60 "$url" >"$BATS_TEST_TMPDIR/par.$i" &
  done
  wait
  for i in $(seq 1 "$n"); do cat "$BATS_TEST_TMPDIR/par.$i"; echo; done
}

# overlapping: status 0 when every interval (JSON lines with start/end on stdin) overlaps
# every other: the latest start comes before the earliest end.
overlapping() {
  jq -se 'length > 1 and (map(.start) | max) < (map(.end) | min)' >/dev/null
}

@test "R5: an async def function runs on a running event loop" {
  http_request GET '/api/async_sleep?s=0'
  assert_http_status 200
  assert_equal "$(http_json .async)" true
  assert_equal "$(http_json .loop)" true
  assert_equal "$(http_json .loop_module)" asyncio.unix_events
}

@test "R5: PYFN_EVENT_LOOP=uvloop runs async functions on the app's uvloop" {
  run parallel_get uvloop '/api/async_sleep?s=1' 2
  assert_success
  printf '%s\n' "$output" | overlapping
  assert_equal "$(printf '%s\n' "$output" | jq -rs 'map(.loop_module) | unique | join(",")')" uvloop
  assert_log -n uvloop 'async functions run on uvloop [0-9]'
  # sync functions keep the thread pool
  http_request -n uvloop GET '/api/sync_sleep?s=0'
  assert_http_status 200
}

@test "R5: two slow async requests run at the same time" {
  run parallel_get app '/api/async_sleep?s=1.5' 2
  assert_success
  printf '%s\n' "$output" | overlapping
}

@test "R5: two slow sync requests run at the same time on the thread pool" {
  run parallel_get app '/api/sync_sleep?s=1.5' 2
  assert_success
  printf '%s\n' "$output" | overlapping
  assert_equal "$(printf '%s\n' "$output" | jq -s 'map(.thread) | unique | length')" 2
}

@test "R5: with PYTHON_THREADPOOL_THREAD_COUNT=1 sync requests run one after the other" {
  run parallel_get onethread '/api/sync_sleep?s=1' 2
  assert_success
  # the second one starts only after the first one ended
  printf '%s\n' "$output" | jq -se 'sort_by(.start) | .[0].end <= .[1].start' >/dev/null
}

@test "R5: with PYTHON_THREADPOOL_THREAD_COUNT=1 async requests still overlap" {
  run parallel_get onethread '/api/async_sleep?s=1.5' 2
  assert_success
  printf '%s\n' "$output" | overlapping
}

@test "R5: FUNCTIONS_WORKER_PROCESS_COUNT=2 starts two worker processes that both serve" {
  run parallel_get twoworkers '/api/sync_sleep?s=0.5' 8
  assert_success
  assert_equal "$(printf '%s\n' "$output" | jq -s 'map(.pid) | unique | length')" 2
}
