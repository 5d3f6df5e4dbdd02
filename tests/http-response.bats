#!/usr/bin/env bats
# Spec row B3: what a function's HTTP output becomes, route templates and constraints,
# method filters, authLevel. App: tests/apps/http_response (see its README).
# routePrefix: tests/route-prefix.bats.

load helpers/common

setup_file() {
  pyfn_start http_response
}

teardown_file() {
  pyfn_stop_all
}

@test "B3: HttpResponse sets the status, a header, the mimetype and the charset" {
  http_request GET /api/custom
  assert_http_status 201
  assert_http_header X-Pyfn '^custom-header$'
  assert_http_header Content-Type '^text/html; *charset=iso-8859-1$'
  assert_equal "$(http_body_hex)" 636166e9
}

@test "B3: a 204 the function gives a body is sent without it, and the host goes on" {
  http_request GET /api/no_content_body
  assert_http_status 204
  assert_equal "$(http_body_hex)" ""
  http_request GET /api/status_enum
  assert_http_status 202
}

@test "B3: status_code accepts an HTTPStatus member" {
  http_request GET /api/status_enum
  assert_http_status 202
  assert_output accepted
}

@test "B3: the default Content-Type is text/plain; charset=utf-8" {
  http_request GET /api/status_enum
  assert_http_header Content-Type '^text/plain; *charset=utf-8$'
}

@test "B3: known header names are written in their usual spelling, others as the function gave them" {
  http_request GET /api/custom
  # The library names it content-type; Azure's front end writes Content-Type.
  printf '%s\n' "$HTTP_HEADERS" | grep -q '^Content-Type: '
  printf '%s\n' "$HTTP_HEADERS" | grep -q '^X-Pyfn: '
}

@test "B3: a str return value answers 200 with that text" {
  http_request GET /api/str_return
  assert_http_status 200
  assert_output 'plain str return'
  assert_http_header Content-Type '^text/plain'
}

@test "B3: a bytes body passes through unchanged" {
  http_request GET /api/bytes_body
  assert_http_status 200
  assert_http_header Content-Type '^application/octet-stream'
  assert_equal "$(http_body_hex)" 0001feff
}

@test "B3: several Set-Cookie headers stay separate header lines" {
  http_request GET /api/cookies
  assert_http_status 200
  run http_header Set-Cookie
  assert_equal "${#lines[@]}" 2
  # attribute names are case-insensitive (RFC 6265); ASP.NET Core writes them lower-case
  assert_line --index 0 --regexp '^a=1; *[Pp]ath=/; *[Hh]ttp[Oo]nly'
  assert_line --index 1 --regexp '^b=2; *[Pp]ath=/; *[Ss]ecure'
}

@test "B3: a function that returns None answers 204 with no body" {
  http_request GET /api/no_return
  assert_http_status 204
  assert_output ''
}

@test "B3: route template items/{id} passes the id as a route parameter" {
  http_request GET /api/items/abc-1
  assert_http_status 200
  assert_output 'item abc-1'
}

@test "B3: route products/{category:alpha}/{id:int?} matches with and without the id" {
  http_request GET /api/products/books/12
  assert_http_status 200
  assert_output 'category=books id=12'
  http_request GET /api/products/books
  assert_http_status 200
  assert_output 'category=books id=none'
}

@test "B3: values that break a route constraint do not match (404)" {
  http_request GET /api/products/123/12
  assert_http_status 404
  http_request GET /api/products/books/abc
  assert_http_status 404
}

@test "B3: the methods list lets POST through and keeps GET out" {
  http_request POST /api/post_only -d ''
  assert_http_status 200
  assert_output posted
  http_request GET /api/post_only
  assert [ "$HTTP_STATUS" = 404 ] || assert [ "$HTTP_STATUS" = 405 ]
}

@test "B3: authLevel function and admin refuse a request without a key (keys: prod-keys.bats)" {
  http_request GET /api/auth_function
  assert_http_status 401
  http_request GET /api/auth_admin
  assert_http_status 401
}

@test "B3: a path no function serves answers 404" {
  http_request GET /api/no_such_function
  assert_http_status 404
}
