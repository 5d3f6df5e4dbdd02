#!/usr/bin/env bats
# The bundled sample app (examples/hello, what `make run` serves): the smoke test of every
# cell and variant, and the host's own contract (status endpoint, startup list, log lines).

load helpers/common

setup_file() {
  pyfn_start "$PYFN_ROOT/examples/hello"
}

teardown_file() {
  pyfn_stop_all
}

@test "hello answers a name given in the query string" {
  http_request GET '/api/hello?name=Ada'
  assert_http_status 200
  assert_output 'Hello, Ada.'
}

@test "hello answers a name given in a JSON body" {
  http_request POST /api/hello -H 'Content-Type: application/json' -d '{"name": "Grace"}'
  assert_http_status 200
  assert_output 'Hello, Grace.'
}

@test "hello without a name answers 400 saying how to pass one" {
  http_request GET /api/hello
  assert_http_status 400
  assert_output --partial '?name='
}

@test "the status endpoint says Running and gives the pyfn version" {
  http_request GET /admin/host/status
  assert_http_status 200
  assert_equal "$(http_json .state)" Running
  run http_json .version
  refute_output ''
  refute_output null
}

@test "startup lists each function with its methods and URL like func start" {
  assert_log 'Functions:'
  assert_log 'hello: \[GET,POST\] http://localhost:[0-9]+/api/hello'
  assert_log 'Host started \(Running\)'
}

@test "an invocation is logged as Executing and Executed with one invocation id" {
  http_request GET '/api/hello?name=log'
  assert_http_status 200
  assert_log "Executing 'Functions\.hello' \(Reason='[^']*', Id=[0-9a-f-]{36}\)"
  local id
  id=$(pyfn_invocation_id hello)
  assert_log "Executed 'Functions\.hello' \(Succeeded, Id=$id, Duration=[0-9]+ms\)"
}

@test "the function's logging.info reaches the host log with the invocation id" {
  http_request GET '/api/hello?name=info'
  assert_http_status 200
  assert_log "Executed 'Functions\.hello' \(Succeeded"
  local id
  id=$(pyfn_invocation_id hello)
  assert_log "Functions\.hello \(Id=$id\): Python HTTP trigger function processed a request\."
}
