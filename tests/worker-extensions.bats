#!/usr/bin/env bats
# Spec row P3: worker extensions (AppExtensionBase, FuncExtensionBase) with
# PYTHON_ENABLE_WORKER_EXTENSIONS=1. App: tests/apps/extensions (see its README).

load helpers/common

setup_file() {
  pyfn_start -e PYTHON_ENABLE_WORKER_EXTENSIONS=1 extensions
}

teardown_file() {
  pyfn_stop_all
}

@test "P3: hooks run in the order app-pre, function-pre, function, function-post, app-post" {
  http_request GET /api/timed
  assert_http_status 200
  local id
  id=$(http_json .invocation_id)
  http_request GET "/api/events?id=$id"
  assert_http_status 200
  assert_equal "$(http_json 'join(",")')" 'app-pre,func-pre,function,func-post,app-post'
}

@test "P3: pre-invocation hooks of both levels set attributes on the context" {
  http_request GET /api/timed
  assert_http_status 200
  assert_equal "$(http_json .app_timer)" true
  assert_equal "$(http_json .func_timer)" true
}

@test "P3: post-invocation hooks of both levels get the function's return value" {
  http_request GET /api/timed
  assert_http_status 200
  assert_http_header X-Func-Post '^[0-9]+\.[0-9]+$'
  assert_http_header X-App-Post '^1$'
}

@test "P3: post_function_load and post_function_load_app_level run when the function loads" {
  http_request GET '/api/events?load=1'
  assert_http_status 200
  assert_equal "$(http_json 'map(select(. == ["func-post-load", "timed"])) | length')" 1
  assert_equal "$(http_json 'map(select(. == ["app-post-load", "timed"])) | length')" 1
}

@test "P3: an exception in a hook is logged and the function still answers" {
  http_request GET /api/hook_fails
  assert_http_status 200
  assert_output 'ran despite a failing hook'
  assert_log 'pyfn-hook-failure-marker'
}
