#!/usr/bin/env bats
# Spec rows L8, B1 (name mismatch) and P5: functions that cannot load are reported with
# the function, the file and the error, answer 500, and do not stop the others.
# App: tests/apps/broken (see its README).

load helpers/common
load helpers/prod

setup_file() {
  # Keys live in Azure's secrets files (tests/prod-keys.bats); bad_json needs one.
  if [ "$PYFN_TARGET" = native ]; then
    export PROD_SECRETS="$BATS_FILE_TMPDIR/secrets"
  else
    export PROD_SECRETS=/tmp/secrets
  fi
  pyfn_start -e "AzureWebJobsSecretStoragePath=$PROD_SECRETS" broken
}

teardown_file() {
  pyfn_stop_all
}

# app_root: where the app is, as the worker sees it.
app_root() {
  if [ "$PYFN_TARGET" = image ]; then echo /home/site/wwwroot; else echo "$PYFN_APPS/broken"; fi
}

# load_failure FUNCTION: the `Function 'F' failed to load:` line and the lines after it.
load_failure() {
  assert_log "Function '$1' failed to load: "
  pyfn_log_after "Function '$1' failed to load: " 20
}

@test "L8: the good function of an app with broken functions still answers 200" {
  http_request GET /api/good
  assert_http_status 200
  assert_output 'good still runs'
}

@test "L8: the host reaches Running although functions failed to load" {
  run pyfn_status
  assert_output --regexp '"state" *: *"Running"'
}

@test "L8: a function with a syntax error answers 500" {
  http_request GET /api/syntax_error
  assert_http_status 500
}

@test "L8: the log names the function with a syntax error, its file and the error" {
  run load_failure syntax_error
  assert_output --partial "$(app_root)/syntax_error/__init__.py"
  assert_output --partial SyntaxError
}

@test "L8: a function without its entry point answers 500" {
  http_request GET /api/missing_entry
  assert_http_status 500
}

@test "L8: the log names the function without an entry point, its file and the missing main" {
  run load_failure missing_entry
  assert_output --partial "$(app_root)/missing_entry/__init__.py"
  assert_output --partial main
}

@test "L8: a function whose function.json is not JSON answers 500" {
  # Its authLevel is unknown, so the host asks for a key like for authLevel function.
  http_request GET /api/bad_json
  refute [ "$HTTP_STATUS" = 200 ]
  prod_with_key "$(prod_key_json .masterKey.value)" GET /api/bad_json
  assert_http_status 500
}

@test "L8: the log names the function whose function.json is not JSON and that file" {
  run load_failure bad_json
  assert_output --partial "bad_json/function.json"
}

@test "B1: a parameter function.json does not bind is a load error naming it (500)" {
  http_request GET /api/name_mismatch
  assert_http_status 500
  run load_failure name_mismatch
  assert_output --partial "$(app_root)/name_mismatch/__init__.py"
  assert_output --partial request
}

@test "P5: a function importing a missing module answers 500" {
  http_request GET /api/missing_module
  assert_http_status 500
}

@test "P5: the missing module error names the module, the paths searched and .python_packages" {
  run load_failure missing_module
  assert_output --partial pyfn_missing_dependency
  assert_output --partial ModuleNotFoundError
  assert_output --partial "$(app_root)"
  assert_output --partial .python_packages
}
