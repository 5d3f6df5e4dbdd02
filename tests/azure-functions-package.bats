#!/usr/bin/env bats
# Spec row R8: the runtime's azure.functions (with __version__) is the one apps get, even
# when they ship another copy; `azure` stays a namespace package so azure.storage.blob from
# the app still imports. App: tests/apps/azure_namespace (see its README).

load helpers/common

setup_file() {
  pyfn_start azure_namespace
}

teardown_file() {
  pyfn_stop_all
}

@test "R8: azure.functions.__version__ is present" {
  http_request GET /api/version
  assert_http_status 200
  assert_regex "$(http_json .version)" '^[0-9]+\.[0-9]+'
}

@test "R8: the runtime's azure.functions is used even though the app ships its own copy" {
  http_request GET /api/version
  assert_http_status 200
  assert_equal "$(http_json .app_copy)" false
  refute_output --partial 'app.shipped.copy'
  run http_json .file
  refute_output --partial .python_packages
}

@test "R8: the worker logs once that the app's azure.functions was ignored" {
  http_request GET /api/version
  assert_log '(azure[./]functions.*[Ii]gnor|[Ii]gnor.*azure[./]functions)'
  assert_equal "$(pyfn_log_count '(azure[./]functions.*[Ii]gnor|[Ii]gnor.*azure[./]functions)')" 1
}

@test "R8: azure.storage.blob shipped by the app imports beside azure.functions" {
  http_request GET /api/storage
  assert_http_status 200
  assert_equal "$(http_json .marker)" 'fake azure.storage.blob from the app'
  assert_regex "$(http_json .blob_file)" '/\.python_packages/lib/site-packages/azure/storage/blob/__init__\.py$'
  assert_equal "$(http_json .account_url)" 'http://127.0.0.1:10000/devstoreaccount1'
}

@test "R8: azure is a namespace package spanning the runtime and the app" {
  http_request GET /api/storage
  assert_http_status 200
  assert_equal "$(http_json .azure_is_namespace)" true
  assert_equal "$(http_json '.azure_path | length >= 2')" true
}
