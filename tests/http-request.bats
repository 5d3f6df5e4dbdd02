#!/usr/bin/env bats
# Spec rows B1 and B2: what an HTTP-triggered function receives in func.HttpRequest, and
# binding parameters by name. App: tests/apps/http_request (see its README).

load helpers/common

setup_file() {
  pyfn_start http_request
}

teardown_file() {
  pyfn_stop_all
}

@test "B2: method, url, query params and route params reach func.HttpRequest" {
  http_request GET '/api/echo/42?a=1&b=two'
  assert_http_status 200
  assert_equal "$(http_json .method)" GET
  assert_regex "$(http_json .url)" '^http://[^/]+/api/echo/42\?a=1&b=two$'
  assert_equal "$(http_json .params.a)" 1
  assert_equal "$(http_json .params.b)" two
  assert_equal "$(http_json .route_params.id)" 42
}

@test "B2: an optional route parameter that is absent is not in route_params" {
  http_request GET /api/echo
  assert_http_status 200
  assert_equal "$(http_json '.route_params | has("id")')" false
}

@test "B2: other methods reach the function with their name" {
  local m
  for m in PUT PATCH DELETE; do
    http_request "$m" /api/echo/1 --data-binary x
    assert_http_status 200
    assert_equal "$(http_json .method)" "$m"
  done
}

@test "B2: request headers are looked up case-insensitively" {
  http_request GET /api/echo -H 'X-Pyfn-Test: Value 1'
  assert_http_status 200
  assert_equal "$(http_json .header_exact)" 'Value 1'
  assert_equal "$(http_json .header_lower)" 'Value 1'
  assert_equal "$(http_json .header_upper)" 'Value 1'
  assert_equal "$(http_json .header_in)" true
  assert_equal "$(http_json .header_missing)" null
}

@test "B2: get_body returns the request body as bytes" {
  http_request POST /api/echo --data-binary 'raw-body-1234'
  assert_http_status 200
  assert_equal "$(http_json .body)" 'raw-body-1234'
  assert_equal "$(http_json .body_type)" bytes
}

@test "B2: get_body of a request without a body is empty bytes" {
  http_request GET /api/echo
  assert_http_status 200
  assert_equal "$(http_json .body)" ''
  assert_equal "$(http_json .body_type)" bytes
}

@test "B2: get_json parses a JSON body" {
  http_request POST /api/json_body -H 'Content-Type: application/json' -d '{"a": [1, 2], "b": "x"}'
  assert_http_status 200
  assert_equal "$(http_json '.json.a[1]')" 2
  assert_equal "$(http_json .json.b)" x
}

@test "B2: get_json raises ValueError on a body that is not JSON" {
  http_request POST /api/json_body -H 'Content-Type: application/json' -d '{not json'
  assert_http_status 400
  assert_equal "$(http_json .error)" ValueError
}

@test "B2: get_json raises ValueError on an empty body" {
  http_request POST /api/json_body -H 'Content-Length: 0'
  assert_http_status 400
  assert_equal "$(http_json .error)" ValueError
}

@test "B2: form reads an urlencoded body" {
  http_request POST /api/form --data 'a=1&b=hello+world'
  assert_http_status 200
  assert_equal "$(http_json .form.a)" 1
  assert_equal "$(http_json .form.b)" 'hello world'
}

@test "B2: form and files read a multipart body" {
  printf 'file content\n' >"$BATS_TEST_TMPDIR/note.txt"
  http_request POST /api/form -F 'field=value' -F "upload=@$BATS_TEST_TMPDIR/note.txt;type=text/plain;filename=note.txt"
  assert_http_status 200
  assert_equal "$(http_json .form.field)" value
  assert_equal "$(http_json .files.upload.filename)" note.txt
  assert_equal "$(http_json .files.upload.content_type)" text/plain
  assert_equal "$(http_json .files.upload.content)" 'file content'
}

@test "B1: parameters bind by name and a context parameter receives the Context" {
  http_request GET '/api/bind_by_name?who=by-name'
  assert_http_status 200
  assert_output 'bind_by_name got by-name'
}
