#!/usr/bin/env bats
# The decorator (v2) programming model (docs/behaviour.md, v2): function_app.py indexed by the worker.
# Apps: examples/hello-v2, tests/apps/v2-http, v2-generic, v2-blueprint, v2-broken-import,
# v2-mixed (each function_app.py's docstring says what it answers).
# ASGI/WSGI apps: tests/v2-asgi-wsgi.bats; queue/blob/timer: tests/v2-storage.bats.

load helpers/common

setup_file() {
  pyfn_start -n hello "$PYFN_ROOT/examples/hello-v2"
  pyfn_start -n http v2-http
  pyfn_start -n generic v2-generic
  pyfn_start -n blueprint v2-blueprint
  pyfn_start -n broken v2-broken-import
  pyfn_start -n mixed v2-mixed
  # v2-mixed whose function_app.py declares no function (made here, not committed)
  local empty
  empty=$(pyfn_copy_app v2-mixed)
  printf '%s\n' 'import azure.functions as func' 'app = func.FunctionApp()' >"$empty/function_app.py"
  pyfn_start -n mixedempty "$empty"
}

teardown_file() {
  pyfn_stop_all
}

# ---- examples/hello-v2 ------------------------------------------------------------------

@test "hello-v2 answers a name given in the query string" {
  http_request -n hello GET '/api/hello?name=Ada'
  assert_http_status 200
  assert_output 'Hello, Ada.'
}

@test "hello-v2 answers a name given in a JSON body" {
  http_request -n hello POST /api/hello -H 'Content-Type: application/json' -d '{"name": "Grace"}'
  assert_http_status 200
  assert_output 'Hello, Grace.'
}

@test "hello-v2 without a name answers 200 with a hint" {
  http_request -n hello GET /api/hello
  assert_http_status 200
  assert_output --partial 'Pass a name in the query string'
}

@test "hello-v2: startup says worker indexing found the function and lists its URL" {
  assert_log -n hello 'Worker indexing found 1 function\(s\)'
  assert_log -n hello 'Functions:'
  assert_log -n hello "  hello: \[[A-Z,]+\] http://localhost:[0-9]+/api/hello$"
  assert_log -n hello 'Host started \(Running\)'
}

@test "hello-v2: logging.info in the function reaches the host log with the invocation id" {
  http_request -n hello GET '/api/hello?name=log'
  assert_http_status 200
  assert_log -n hello "Executed 'Functions\.hello' \(Succeeded"
  local id
  id=$(pyfn_invocation_id -n hello hello)
  assert_log -n hello "Functions\.hello \(Id=$id\): Python HTTP trigger function processed a request\."
}

# ---- v2-http ----------------------------------------------------------------------------

@test "v2-http: startup lists every decorated function with its methods and URL" {
  assert_log -n http 'Worker indexing found 9 function\(s\)'
  local p='http://localhost:[0-9]+/api'
  assert_log -n http "  hello: \[GET,POST\] $p/hello$"
  assert_log -n http "  items: \[GET\] $p/items/\{id:int\}/\{rest\?\}$"
  assert_log -n http "  Renamed: \[[A-Z,]+\] $p/Renamed$"
  assert_log -n http "  custom: \[[A-Z,]+\] $p/custom$"
  assert_log -n http "  only_post: \[POST\] $p/only-post$"
  assert_log -n http "  async_hello: \[[A-Z,]+\] $p/async$"
  assert_log -n http "  with_context: \[[A-Z,]+\] $p/context$"
  assert_log -n http "  plain: \[[A-Z,]+\] $p/plain$"
  assert_log -n http "  teapot: \[[A-Z,]+\] $p/teapot$"
}

@test "v2-http: route() answers a name from the query string, GET or POST" {
  http_request -n http GET '/api/hello?name=Ada'
  assert_http_status 200
  assert_output 'Hello, Ada.'
  http_request -n http POST '/api/hello?name=Ada'
  assert_http_status 200
  assert_output 'Hello, Ada.'
}

@test "v2-http: route() answers a name from a JSON body" {
  http_request -n http POST /api/hello -H 'Content-Type: application/json' -d '{"name": "Ada"}'
  assert_http_status 200
  assert_output 'Hello, Ada.'
}

@test "v2-http: route() without a name answers 400" {
  http_request -n http GET /api/hello
  assert_http_status 400
  assert_output 'name?'
}

@test "v2-http: methods=[GET,POST] does not route PUT" {
  http_request -n http PUT '/api/hello?name=Ada'
  refute [ "$HTTP_STATUS" = 200 ]
  refute_output 'Hello, Ada.'
}

@test "v2-http: a route template with an int constraint and an optional parameter" {
  http_request -n http GET /api/items/42/extra
  assert_http_status 200
  assert_equal "$(http_json .id)" 42
  assert_equal "$(http_json .rest)" extra
  http_request -n http GET /api/items/42
  assert_http_status 200
  assert_equal "$(http_json .id)" 42
  assert_equal "$(http_json .rest)" null
}

@test "v2-http: the {id:int} constraint rejects a non-integer with 404" {
  http_request -n http GET /api/items/abc
  assert_http_status 404
}

@test "v2-http: function_name sets the function's name and the default route follows it" {
  http_request -n http GET /api/Renamed
  assert_http_status 200
  assert_output renamed
  assert_log -n http "Executed 'Functions\.Renamed' \(Succeeded"
  refute_log -n http "Functions\.python_name_is_not_the_function_name"
}

@test "v2-http: trigger_arg_name and binding_arg_name: the response goes out through res.set" {
  http_request -n http GET /api/custom
  assert_http_status 201
  assert_output 'custom out'
  assert_http_header X-Out '^res$'
}

@test "v2-http: methods=[POST] answers POST and does not route GET" {
  http_request -n http POST /api/only-post
  assert_http_status 200
  assert_output posted
  http_request -n http GET /api/only-post
  assert_http_status 404
}

@test "v2-http: an async def function answers" {
  http_request -n http GET /api/async
  assert_http_status 200
  assert_output 'async ok'
}

@test "v2-http: a context parameter gets the Context with the function's name" {
  http_request -n http GET /api/context
  assert_http_status 200
  assert_output with_context
}

@test "v2-http: a str return value answers 200 with that text" {
  http_request -n http GET /api/plain
  assert_http_status 200
  assert_output 'plain text'
  assert_http_header Content-Type '^text/plain'
}

@test "v2-http: HttpResponse sets status 418, a header and the mimetype" {
  http_request -n http GET /api/teapot
  assert_http_status 418
  assert_output 'short and stout'
  assert_http_header X-Pyfn '^v2$'
  assert_http_header Content-Type '^text/html'
}

@test "v2-http: invocations are logged as Executing and Executed with one id" {
  http_request -n http GET /api/plain
  assert_http_status 200
  assert_log -n http "Executing 'Functions\.plain' \(Reason='[^']*', Id=[0-9a-f-]{36}\)"
  local id
  id=$(pyfn_invocation_id -n http plain)
  assert_log -n http "Executed 'Functions\.plain' \(Succeeded, Id=$id, Duration=[0-9]+ms\)"
}

# ---- v2-generic -------------------------------------------------------------------------

@test "v2-generic: startup lists the generic HTTP functions with their URLs" {
  local p='http://localhost:[0-9]+/api'
  assert_log -n generic "  generic_hello: \[GET\] $p/generic/\{name\}$"
  assert_log -n generic "  generic_out: \[[A-Z,]+\] $p/generic-out$"
  assert_log -n generic "  generic_state: \[[A-Z,]+\] $p/generic-state$"
  assert_log -n generic "  generic_timer: "
}

@test "v2-generic: generic_trigger httpTrigger with a generic \$return http output" {
  http_request -n generic GET /api/generic/Ada
  assert_http_status 200
  assert_output 'generic hello Ada'
}

@test "v2-generic: route, methods and auth_level given as generic binding fields" {
  # methods=["GET"]; auth_level "anonymous" overrides the app's FUNCTION level
  http_request -n generic POST /api/generic/Ada
  refute [ "$HTTP_STATUS" = 200 ]
  http_request -n generic GET /api/generic-out
  assert_http_status 200
}

@test "v2-generic: a generic http output named res is set through Out" {
  http_request -n generic GET /api/generic-out
  assert_http_status 200
  assert_output 'generic named out'
}

@test "v2-generic: a generic timerTrigger with runOnStartup runs once at host start" {
  assert_log -n generic -t 15 'v2 generic timer ran'
  local deadline=$((SECONDS + 10))
  while :; do
    http_request -n generic GET /api/generic-state
    assert_http_status 200
    [ "$(http_json .timer_runs)" = 1 ] && break
    [ "$SECONDS" -lt "$deadline" ] || fail "timer_runs is $(http_json .timer_runs), expected 1"
    sleep 0.3
  done
  assert_equal "$(pyfn_log_count -n generic 'v2 generic timer ran')" 1
}

# ---- v2-blueprint -----------------------------------------------------------------------

@test "v2-blueprint: startup lists the app's and the blueprints' functions with their URLs" {
  local p='http://localhost:[0-9]+/api'
  assert_log -n blueprint "  from_app: \[[A-Z,]+\] $p/app$"
  assert_log -n blueprint "  bp_hello: \[GET\] $p/bp/hello$"
  assert_log -n blueprint "  bp_info: \[[A-Z,]+\] $p/bp/info$"
  assert_log -n blueprint "  OtherBp: \[[A-Z,]+\] $p/other$"
  assert_log -n blueprint "  bp_timer: "
}

@test "v2-blueprint: a function declared on the app itself answers" {
  http_request -n blueprint GET /api/app
  assert_http_status 200
  assert_output 'from app'
}

@test "v2-blueprint: register_functions serves a blueprint's route (anonymous, from the app)" {
  http_request -n blueprint GET '/api/bp/hello?name=Ada'
  assert_http_status 200
  assert_output 'Hello, Ada. (blueprint)'
}

@test "v2-blueprint: a blueprint in a package imports its helper relatively" {
  http_request -n blueprint GET /api/bp/info
  assert_http_status 200
  assert_equal "$(http_json .module)" blueprints.greetings
  assert_equal "$(http_json .helper)" 'shared helper'
}

@test "v2-blueprint: register_blueprint serves a plain module's blueprint under its function_name" {
  http_request -n blueprint GET /api/other
  assert_http_status 200
  assert_output 'from other_bp'
  assert_log -n blueprint "Executed 'Functions\.OtherBp' \(Succeeded"
}

@test "v2-blueprint: a blueprint's startup timer runs" {
  assert_log -n blueprint -t 15 'v2 blueprint timer ran'
}

# ---- v2-broken-import -------------------------------------------------------------------

@test "v2-broken-import: the host stays up and answers /admin/host/status" {
  pyfn_alive broken
  http_request -n broken GET /admin/host/status
  assert_http_status 200
  assert_equal "$(http_json .state)" Running
}

@test "v2-broken-import: the function of the broken file is not served" {
  http_request -n broken GET /api/never
  refute [ "$HTTP_STATUS" = 200 ]
  refute_output 'never served'
}

@test "v2-broken-import: the log names function_app.py, line 14, the error and the traceback" {
  assert_log -n broken "function_app\.py.*ModuleNotFoundError: No module named 'pyfn_v2_missing_module'"
  assert_log -n broken 'function_app\.py, line 14'
  assert_log -n broken '^Traceback \(most recent call last\):'
  assert_log -n broken 'File ".*/function_app\.py", line 14, in <module>'
  assert_log -n broken 'import pyfn_v2_missing_module'
}

# ---- v2-mixed ---------------------------------------------------------------------------

@test "v2-mixed: with function_app.py, its functions are served" {
  http_request -n mixed GET /api/decorated
  assert_http_status 200
  assert_output 'from function_app.py'
}

@test "v2-mixed: a function.json folder beside function_app.py is ignored, as on Azure" {
  assert_log -n mixed 'Worker indexing found 1 function\(s\)'
  assert_log -n mixed "  decorated: \[[A-Z,]+\] http://localhost:[0-9]+/api/decorated$"
  refute_log -n mixed '  legacy: '
  http_request -n mixed GET /api/legacy
  assert_http_status 404
  refute_log -n mixed 'legacy function ran'
}

@test "v2-mixed: a function_app.py that declares no function leaves function.json to the host, as on Azure" {
  assert_log -n mixedempty "  legacy: \[GET\] http://localhost:[0-9]+/api/legacy$"
  http_request -n mixedempty GET /api/legacy
  assert_http_status 200
  assert_output 'legacy function ran'
  http_request -n mixedempty GET /api/decorated
  assert_http_status 404
}
