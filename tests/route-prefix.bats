#!/usr/bin/env bats
# Spec row B3: host.json extensions.http.routePrefix, custom ("v1") and empty.
# Apps: tests/apps/route_prefix_custom, tests/apps/route_prefix_empty.

load helpers/common

setup_file() {
  pyfn_start -n custom route_prefix_custom
  pyfn_start -n empty route_prefix_empty
}

teardown_file() {
  pyfn_stop_all
}

@test "B3: a custom routePrefix serves functions under it" {
  http_request -n custom GET /v1/ping
  assert_http_status 200
  assert_output pong
}

@test "B3: with a custom routePrefix the default api prefix is not served" {
  http_request -n custom GET /api/ping
  assert_http_status 404
}

@test "B3: an empty routePrefix serves functions at the root" {
  http_request -n empty GET /ping
  assert_http_status 200
  assert_output pong
}

@test "B3: the status endpoint stays at /admin/host/status with an empty routePrefix" {
  http_request -n empty GET /admin/host/status
  assert_http_status 200
  assert_equal "$(http_json .state)" Running
}
