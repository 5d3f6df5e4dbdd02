#!/usr/bin/env bats
# host.json "functions" (Azure's function allow list) and Azure's environment overrides of
# host.json (AzureFunctionsJobHost__<path>), in both programming models; `pyfn-host --index`.
# Apps: tests/apps/selection (function.json) and tests/apps/v2-selection (decorators), each
# with HTTP functions hello and other and a timer tick (every second, run on startup);
# host.json selects hello and missing_fn (docs/settings.md "host.json functions").

load helpers/common
bats_require_minimum_version 1.5.0  # run --separate-stderr

setup_file() {
  # As written: only hello runs.
  pyfn_start -n fj selection
  pyfn_start -n v2 v2-selection
  # The environment replaces the list by index: other and tick run, hello does not.
  pyfn_start -n fjenv -e AzureFunctionsJobHost__functions__0=other \
    -e AzureFunctionsJobHost__functions__1=tick selection
  pyfn_start -n v2env -e AzureFunctionsJobHost__functions__0=other \
    -e AzureFunctionsJobHost__functions__1=tick v2-selection
  # A nested setting from the environment: the route prefix.
  pyfn_start -n fjprefix -e AzureFunctionsJobHost__extensions__http__routePrefix=v1 selection
  pyfn_start -n v2prefix -e azurefunctionsjobhost__EXTENSIONS__HTTP__ROUTEPREFIX=v2 v2-selection
  # The same override from local.settings.json Values (which reach the environment).
  local app
  app=$(pyfn_copy_app v2-selection)
  printf '%s\n' '{"IsEncrypted": false, "Values": {' \
    '"AzureFunctionsJobHost__extensions__http__routePrefix": "fromlocal",' \
    '"AzureFunctionsJobHost__functions__0": "other"}}' >"$app/local.settings.json"
  pyfn_start -n v2local "$app"
}

teardown_file() {
  pyfn_stop_all
}

# ---- host.json "functions" -------------------------------------------------------------

@test "selection: only the function host.json names answers; the other one is 404" {
  local n
  for n in fj v2; do
    http_request -n "$n" GET /api/hello
    assert_http_status 200
    assert_output --partial "selection hello"
    http_request -n "$n" GET /api/other
    assert_http_status 404
  done
}

@test "selection: an unselected timer never runs and nothing unselected is listed or loaded" {
  # tick runs at start and every second when selected (see the env instances below).
  sleep 3
  local n
  for n in fj v2; do
    refute_log -n "$n" -t 0 "Executing 'Functions\.tick'"
    refute_log -n "$n" -t 0 'tick ran'
    refute_log -n "$n" -t 0 '^\S+ \[info\]   (other|tick): '
    assert_log -n "$n" '^\S+ \[info\]   hello: \[GET\] http://localhost:[0-9]+/api/hello'
    assert_log -n "$n" 'A function allow list has been specified, excluding all but the following functions: \[hello, missing_fn\]'
  done
  # The decorator app indexed all three in its worker; the host kept one.
  assert_log -n v2 'Worker indexing found 3 function\(s\)'
}

@test "selection: a name in host.json functions that matches no function is a warning" {
  assert_log -n fj "\[warning\] host.json \"functions\" names 'missing_fn', but the app has no such function"
  assert_log -n v2 "\[warning\] host.json \"functions\" names 'missing_fn', but the app has no such function"
}

# ---- AzureFunctionsJobHost__* ---------------------------------------------------------------

@test "overrides: AzureFunctionsJobHost__functions__N replaces the list by index" {
  local n
  for n in fjenv v2env; do
    http_request -n "$n" GET /api/other
    assert_http_status 200
    assert_output --partial "selection other"
    http_request -n "$n" GET /api/hello
    assert_http_status 404
    # tick is selected now: it runs (at start and every second).
    assert_log -n "$n" "Executing 'Functions\.tick'"
    assert_log -n "$n" 'tick ran'
    refute_log -n "$n" -t 0 "names 'missing_fn'"
    assert_log -n "$n" 'host.json: 2 setting\(s\) from the environment: AzureFunctionsJobHost__functions__0, AzureFunctionsJobHost__functions__1'
  done
}

@test "overrides: a nested setting (extensions__http__routePrefix) changes the route, any case" {
  http_request -n fjprefix GET /v1/hello
  assert_http_status 200
  http_request -n fjprefix GET /api/hello
  assert_http_status 404
  http_request -n fjprefix GET /v1/other
  assert_http_status 404   # the file's selection still applies
  http_request -n v2prefix GET /v2/hello
  assert_http_status 200
  http_request -n v2prefix GET /api/hello
  assert_http_status 404
}

@test "overrides: local.settings.json Values can carry them too" {
  http_request -n v2local GET /fromlocal/other
  assert_http_status 200
  assert_output --partial "v2 selection other"
  http_request -n v2local GET /fromlocal/hello
  assert_http_status 404
  http_request -n v2local GET /api/other
  assert_http_status 404
}

@test "overrides: a value that cannot have the setting's type stops the host, naming it" {
  pyfn_start -w -n badint -e AzureFunctionsJobHost__extensions__queues__batchSize=many selection
  pyfn_wait_exit badint 20
  assert_equal "$exit_status" 1
  assert_log -n badint "AzureFunctionsJobHost__extensions__queues__batchSize='many' is not an integer"
}

# ---- pyfn-host --index ------------------------------------------------------------------

# index APP [ENV=VALUE...]: run `pyfn-host --index` on APP (natively, or in a container of
# $PYFN_IMAGE with the app at /home/site/wwwroot); stdout in $output, stderr in $stderr.
index() {
  local app="$1" dir a
  shift
  dir=$(pyfn_app_dir "$app")
  local -a envs=()
  for a in "$@"; do envs+=(-e "$a"); done
  if [ "$PYFN_TARGET" = native ]; then
    local -a vars=()
    for a in "$@"; do vars+=("$a"); done
    run --separate-stderr env "${vars[@]}" "$PYFN_BIN/pyfn-host" --index --script-root "$dir"
  else
    run --separate-stderr pyfn_engine run --rm --read-only --tmpfs /tmp \
      -v "$dir:/home/site/wwwroot:ro" "${envs[@]}" "$PYFN_IMAGE" \
      pyfn-host --index --script-root /home/site/wwwroot
  fi
}

root_of() {  # where the app is as the host sees it
  if [ "$PYFN_TARGET" = native ]; then pyfn_app_dir "$1"; else echo /home/site/wwwroot; fi
}

@test "--index: a function.json app, after selection, with the effective host.json" {
  index selection AzureFunctionsJobHost__functions__1=tick
  assert_success
  assert_equal "$(jq -r .scriptRoot <<<"$output")" "$(root_of selection)"
  assert_equal "$(jq -r .routePrefix <<<"$output")" api
  assert_equal "$(jq -c .hostJson.functions <<<"$output")" '["hello","tick"]'
  assert_equal "$(jq -r '[.functions[].name] | join(",")' <<<"$output")" hello,tick
  assert_equal "$(jq -c '.functions[0] | [.loaded, .error, .disabled]' <<<"$output")" '[true,"",false]'
  assert_equal "$(jq -c '.functions[0].trigger | [.type, .route, .methods, .authLevel]' <<<"$output")" \
    '["httpTrigger","hello",["GET"],"anonymous"]'
  assert_equal "$(jq -c '.functions[0].bindings[0].methods' <<<"$output")" '["get"]'
  assert_equal "$(jq -c '.functions[1].trigger | [.type, .schedule]' <<<"$output")" '["timerTrigger","* * * * * *"]'
  # The log went to stderr; no HTTP port, no trigger ran.
  [[ "$stderr" == *"indexing"* ]]
  [[ "$stderr" != *"Now listening"* ]]
  [[ "$stderr" != *"Executing 'Functions.tick'"* ]]
}

@test "--index: a decorator app is indexed by a worker, as at start" {
  index v2-selection AzureFunctionsJobHost__functions__0=other AzureFunctionsJobHost__functions__1=tick
  assert_success
  assert_equal "$(jq -r '[.functions[].name] | join(",")' <<<"$output")" other,tick
  assert_equal "$(jq -c '.functions[0].trigger | [.route, .methods, .authLevel]' <<<"$output")" \
    '["other",["GET"],"anonymous"]'
  assert_equal "$(jq -r '.functions[1].trigger.type' <<<"$output")" timerTrigger
  assert_equal "$(jq -r '[.functions[].loaded] | all' <<<"$output")" true
  [[ "$stderr" == *"Worker indexing found 3 function(s)"* ]]
}

@test "--index: a directory without host.json, or a broken host.json, exits 1 with a message" {
  local empty="$BATS_TEST_TMPDIR/empty"
  mkdir -p "$empty"
  index "$empty"
  assert_failure 1
  assert_equal "$output" ""
  [[ "$stderr" == *"has no host.json"* ]]
  local broken
  broken=$(pyfn_copy_app selection)
  echo '{"version": "2.0",' >"$broken/host.json"
  index "$broken"
  assert_failure 1
  [[ "$stderr" == *"host.json is not valid JSON"* ]]
  if [ "$PYFN_TARGET" = native ]; then
    run --separate-stderr "$PYFN_BIN/pyfn-host" --index --script-root "$BATS_TEST_TMPDIR/nope"
    assert_failure 1
    [[ "$stderr" == *"is not a directory"* ]]
  fi
}
