#!/usr/bin/env bats
# Spec rows L1-L6: how an app's folders, entry points and imports are loaded.
# App: tests/apps/loading (see its README).

load helpers/common

setup_file() {
  pyfn_start loading
}

teardown_file() {
  pyfn_stop_all
}

@test "L1: every folder with a function.json is listed as a function at startup" {
  local f
  for f in default_entry script_file shared_script absolute_imports relative_imports app_alias beyond_top; do
    assert_log "$f: \[[A-Z,]+\] http://localhost:[0-9]+/api/$f\$"
  done
}

@test "L1: folders without function.json are not functions" {
  refute_log '(shared_code|shared|common|notafunction|tests|\.vscode|\.venv): \[[A-Z,]*\] http'
  local f
  for f in shared_code shared common notafunction tests .vscode .venv; do
    http_request GET "/api/$f"
    assert_http_status 404
  done
  refute_log 'notafunction must never be loaded'
}

@test "L2: the default entry point is main in the folder's __init__.py" {
  http_request GET /api/default_entry
  assert_http_status 200
  assert_output 'L2 default entry main'
}

@test "L3: scriptFile main.py with entryPoint customentry overrides the default" {
  http_request GET /api/script_file
  assert_http_status 200
  assert_output 'L3 main.py customentry'
}

@test "L3: scriptFile can point outside the function folder (../shared/x.py, entryPoint run)" {
  http_request GET /api/shared_script
  assert_http_status 200
  assert_output 'L3 shared script run'
}

@test "L4: absolute imports from the script root work in both forms" {
  http_request GET /api/absolute_imports
  assert_http_status 200
  assert_output 'L4 helper greets absolute same=True'
}

@test "L5: relative imports inside a function package work" {
  http_request GET /api/relative_imports
  assert_http_status 200
  assert_output 'L5 example says hi hi'
}

@test "L6: from __app__ imports still work" {
  http_request GET /api/app_alias
  assert_http_status 200
  assert_output 'L6 helper greets __app__'
}

@test "L6: importing through __app__ logs a deprecation warning" {
  assert_log '[Dd]eprecat.*__app__\.shared_code'
}

@test "L6: relative imports beyond the top level still work" {
  http_request GET /api/beyond_top
  assert_http_status 200
  assert_output 'L6 common tools greet beyond'
}

@test "L6: a relative import beyond the top level logs a deprecation warning" {
  # beyond_top imports `from ..common import tools`; nothing else imports `common`
  assert_log '([Dd]eprecat.*(__app__\.common|\.\.common)|(__app__\.common|\.\.common).*[Dd]eprecat)'
}
