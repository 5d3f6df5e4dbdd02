#!/usr/bin/env bats
# Spec rows R1 (logging), R2 (context), R3 (globals), R6 (exceptions).
# App: tests/apps/runtime (see its README).

load helpers/common

setup_file() {
  # Debug records: Azure's way, host.json logLevel Debug (in the app) and this setting.
  pyfn_start -e PYTHON_ENABLE_DEBUG_LOGGING=1 runtime
}

teardown_file() {
  pyfn_stop_all
}

@test "R1: root logger records at critical, error, warning and info reach the host log at their level with the invocation id" {
  http_request GET /api/log_levels
  assert_http_status 200
  local id=$output level
  for level in critical error warning info; do
    local spd=$level
    [ "$level" != warning ] || spd='warn(ing)?'
    assert_log "\[$spd\] .*Functions\.log_levels \(Id=$id\): pyfn-$level-marker"
  done
}

@test "R1: a debug record reaches the host log with host.json logLevel Debug and PYTHON_ENABLE_DEBUG_LOGGING=1" {
  http_request GET /api/log_levels
  assert_http_status 200
  assert_log "\[debug\] .*Functions\.log_levels \(Id=$output\): pyfn-debug-marker"
}

@test "R1: records of a named logger reach the host log" {
  http_request GET /api/log_levels
  assert_http_status 200
  assert_log "Functions\.log_levels \(Id=$output\): pyfn-named-logger-marker"
}

@test "R1: print output reaches the host log with the invocation id" {
  http_request GET /api/log_levels
  assert_http_status 200
  assert_log "Functions\.log_levels \(Id=$output\): pyfn-print-marker"
}

@test "R2: the context has function_name, function_directory and the invocation id" {
  http_request GET /api/context_fields
  assert_http_status 200
  assert_equal "$(http_json .function_name)" context_fields
  assert_regex "$(http_json .function_directory)" '/context_fields$'
  local id
  id=$(http_json .invocation_id)
  assert_regex "$id" '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
  assert_log "Executing 'Functions\.context_fields' \(Reason='[^']*', Id=$id\)"
}

@test "R2: the request's traceparent and tracestate reach context.trace_context" {
  http_request GET /api/context_fields \
    -H 'traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' \
    -H 'tracestate: congo=t61rcWkgMzE'
  assert_http_status 200
  assert_regex "$(http_json .Traceparent)" '^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-0[01]$'
  assert_equal "$(http_json .trace_parent)" "$(http_json .Traceparent)"
  assert_equal "$(http_json .Tracestate)" 'congo=t61rcWkgMzE'
  assert_equal "$(http_json .trace_state)" 'congo=t61rcWkgMzE'
  assert_equal "$(http_json '.Attributes | type')" object
}

@test "R2: without a traceparent header the context gets a new W3C trace context" {
  http_request GET /api/context_fields
  assert_http_status 200
  assert_regex "$(http_json .Traceparent)" '^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$'
  refute_output --partial '00000000000000000000000000000000'
}

@test "R2: the context has retry_context with retry_count and max_retry_count" {
  http_request GET /api/context_fields
  assert_http_status 200
  assert_equal "$(http_json '.retry_count | type')" number
  assert_equal "$(http_json '.max_retry_count | type')" number
  assert_equal "$(http_json .has_thread_local_storage)" true
}

@test "R3: a module global keeps its value between invocations in the same worker" {
  http_request GET /api/counter
  assert_http_status 200
  local first=$output
  http_request GET /api/counter
  assert_http_status 200
  local second=$output
  assert_equal "${second#* }" "${first#* }"              # same worker pid
  assert_equal "${second%% *}" "$(( ${first%% *} + 1 ))"  # count went up by one
}

@test "R6: an exception in a function answers 500 with an empty body" {
  http_request GET /api/fail
  assert_http_status 500
  assert_output ''
  refute_output --partial pyfn-boom-marker
}

@test "R6: the exception's traceback is logged with the invocation id" {
  http_request GET /api/fail
  assert_http_status 500
  local id
  assert_log "Executed 'Functions\.fail' \(Failed"
  id=$(pyfn_invocation_id fail)
  assert_log "Executed 'Functions\.fail' \(Failed, Id=$id, Duration=[0-9]+ms\)"
  # A line carries the invocation id with the error; the traceback follows the invocation.
  assert_log "(Functions\.fail \(Id=$id\)|Id=$id.*(ValueError|pyfn-boom-marker|[Ee]xception))"
  run pyfn_log_after "Executing 'Functions\.fail' \(Reason='[^']*', Id=$id\)" 60
  assert_output --partial 'ValueError: pyfn-boom-marker'
  assert_output --partial helper_that_raises
  assert_output --partial 'fail/__init__.py'
}

@test "R6: the worker keeps serving after an exception" {
  http_request GET /api/counter
  local before=${output#* }
  http_request GET /api/fail
  assert_http_status 500
  http_request GET /api/ok
  assert_http_status 200
  assert_output ok
  http_request GET /api/counter
  assert_http_status 200
  assert_equal "${output#* }" "$before"
}
