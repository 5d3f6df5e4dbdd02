#!/usr/bin/env bats
# Spec P4: CORS answered by the host. Exact origins + credentials from
# CORS_ALLOWED_ORIGINS (containers), the wildcard from local.settings.json Host.CORS.
# App: tests/apps/prod-host, and a copy with a local.settings.json.

load helpers/common
load helpers/prod

setup_file() {
  pyfn_start -n exact -e 'CORS_ALLOWED_ORIGINS=["https://a.example","https://*.sub.example"]' \
    -e CORS_SUPPORT_CREDENTIALS=true prod-host
  local app
  app=$(pyfn_copy_app prod-host)
  printf '{"IsEncrypted": false, "Values": {}, "Host": {"CORS": "*", "CORSCredentials": false}}\n' \
    >"$app/local.settings.json"
  pyfn_start -n wild "$app"
}

teardown_file() {
  pyfn_stop_all
}

@test "P4: a preflight from an allowed origin is answered by the host with the CORS headers" {
  http_request -n exact OPTIONS /api/fn_a -H 'Origin: https://a.example' \
    -H 'Access-Control-Request-Method: GET' -H 'Access-Control-Request-Headers: x-functions-key'
  assert_http_status 204
  assert_http_header Access-Control-Allow-Origin '^https://a.example$'
  assert_http_header Access-Control-Allow-Credentials '^true$'
  assert_http_header Access-Control-Allow-Methods 'GET'
  assert_http_header Access-Control-Allow-Headers 'x-functions-key'
  assert_http_header Vary 'Origin'
}

@test "P4: a preflight from another origin gets no Allow-Origin" {
  http_request -n exact OPTIONS /api/anon -H 'Origin: https://evil.example' \
    -H 'Access-Control-Request-Method: GET'
  assert_http_status 204
  refute_http_header Access-Control-Allow-Origin
  assert_http_header Vary 'Origin'
}

@test "P4: a simple request from an allowed origin gets Allow-Origin and Vary: Origin" {
  http_request -n exact GET /api/anon -H 'Origin: https://a.example'
  assert_http_status 200
  assert_http_header Access-Control-Allow-Origin '^https://a.example$'
  assert_http_header Access-Control-Allow-Credentials '^true$'
  assert_http_header Vary 'Origin'
  http_request -n exact GET /api/anon -H 'Origin: https://x.sub.example'
  assert_http_header Access-Control-Allow-Origin '^https://x.sub.example$'
  http_request -n exact GET /api/anon -H 'Origin: https://evil.example'
  refute_http_header Access-Control-Allow-Origin
  assert_http_header Vary 'Origin'
}

@test "P4: CORS headers come on errors too (401 without a key)" {
  http_request -n exact GET /api/fn_a -H 'Origin: https://a.example'
  assert_http_status 401
  assert_http_header Access-Control-Allow-Origin '^https://a.example$'
}

@test "P4: the wildcard from local.settings.json answers *" {
  http_request -n wild GET /api/anon -H 'Origin: https://anything.example'
  assert_http_status 200
  assert_http_header Access-Control-Allow-Origin '^\*$'
  refute_http_header Access-Control-Allow-Credentials
  http_request -n wild OPTIONS /api/anon -H 'Origin: https://anything.example' \
    -H 'Access-Control-Request-Method: POST'
  assert_http_status 204
  assert_http_header Access-Control-Allow-Origin '^\*$'
}

@test "P4: without an Origin header nothing CORS is added but Vary" {
  http_request -n wild GET /api/anon
  refute_http_header Access-Control-Allow-Origin
}
