#!/usr/bin/env bats
# Spec rows B4 and B8: $return, named outputs through func.Out, and binding types the
# runtime does not know (generic binding). App: tests/apps/outputs (see its README).

load helpers/common

setup_file() {
  pyfn_start outputs
}

teardown_file() {
  pyfn_stop_all
}

@test "B4: the return value binds to the \$return output" {
  http_request GET /api/return_value
  assert_http_status 200
  assert_output 'from $return'
}

@test "B4: a named http output set through func.Out answers the request" {
  http_request GET /api/named_out
  assert_http_status 201
  assert_output 'from named out'
}

@test "B4 and B8: outputs of an unknown binding type set through func.Out do not break the function" {
  http_request GET /api/several_outs
  assert_http_status 200
  assert_output 'outputs set'
  local id
  id=$(pyfn_invocation_id several_outs)
  assert_log "Executed 'Functions\.several_outs' \(Succeeded, Id=$id"
}

@test "B8: an input binding of an unknown type does not break the function" {
  http_request GET /api/generic_in
  assert_http_status 200
  assert_output --regexp '^generic input: '
}
