#!/usr/bin/env bats
# What only an image can show: R7 (/tmp writable in a read-only container), I1 (the cell's
# Python), I2 (non-root, port 80, /home/site/wwwroot, HEALTHCHECK, SIGTERM) and the full
# variant's system libraries. Natively only the first test runs. App: tests/apps/image_checks.

load helpers/common

setup_file() {
  pyfn_start image_checks
}

teardown_file() {
  pyfn_stop_all
}

@test "R7: tempfile.gettempdir() is writable" {
  http_request GET /api/tmp
  assert_http_status 200
  assert_equal "$(http_json .roundtrip)" true
}

@test "R7: /tmp is writable although the container and the app folder are read-only" {
  require_image "--read-only container with the app mounted read-only"
  http_request GET /api/tmp
  assert_http_status 200
  assert_equal "$(http_json .tempdir)" /tmp
  assert_equal "$(http_json .roundtrip)" true
  assert_equal "$(http_json .app_dir_writable)" false
}

@test "I1: the worker runs the cell's Python version" {
  require_image "the cell's Python"
  http_request GET /api/pyinfo
  assert_http_status 200
  assert_equal "$(http_json .python)" "$PYFN_PYTHON_VERSION"
  run pyfn_exec python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])'
  assert_output "$PYFN_PYTHON_VERSION"
}

@test "I1: the image is built on the cell's Debian release" {
  require_image "the cell's Debian release"
  run pyfn_exec sh -c '. /etc/os-release; echo "$VERSION_CODENAME"'
  assert_output "$PYFN_DEBIAN_RELEASE"
}

@test "I2: the host and the worker run as a non-root user" {
  require_image "the image's user"
  http_request GET /api/pyinfo
  assert_http_status 200
  refute [ "$(http_json .uid)" = 0 ]
  run pyfn_exec id -u
  refute_output 0
}

@test "I2: the image has the host, the worker and azure.functions, with the app at /home/site/wwwroot" {
  require_image "the image's layout"
  http_request GET /api/pyinfo
  assert_http_status 200
  assert_equal "$(http_json .script_root)" /home/site/wwwroot
  assert_regex "$(http_json .functions_version)" '^[0-9]+\.[0-9]+'
  run pyfn_exec sh -c 'command -v pyfn-host && command -v pyfn-worker'
  assert_success
}

@test "I2: the image serves on port 80 by default" {
  require_image "the image's port"
  if pyfn_engine_host_network && { exec 9<>/dev/tcp/127.0.0.1/80; } 2>/dev/null; then
    exec 9>&-
    skip "port 80 of this machine is taken and the engine uses host networking"
  fi
  pyfn_start -n port80 -P image_checks
  http_request -n port80 GET /api/pyinfo
  assert_http_status 200
  pyfn_stop port80
}

@test "I2: the image's HEALTHCHECK reports healthy once the host is Running" {
  require_image "HEALTHCHECK"
  local test
  # docker keeps it under .Config.Healthcheck, podman's image inspect under .HealthCheck
  test=$(pyfn_engine image inspect --format '{{json .Config.Healthcheck.Test}}' "$PYFN_IMAGE" 2>/dev/null ||
         pyfn_engine image inspect --format '{{json .HealthCheck.Test}}' "$PYFN_IMAGE" 2>/dev/null || true)
  assert_regex "$test" 'pyfn-healthcheck'
  run pyfn_exec /opt/pyfn/bin/pyfn-healthcheck
  assert_success
  assert_output --partial Running
}

@test "I2: SIGTERM stops the container within 10 seconds" {
  require_image "container stop"
  pyfn_start -n sigterm image_checks
  local c start elapsed
  c=$(pyfn_container sigterm)
  start=$SECONDS
  pyfn_engine stop -t 30 "$c" >/dev/null
  elapsed=$((SECONDS - start))
  pyfn_stop sigterm
  [ "$elapsed" -lt 10 ] || fail "the container took ${elapsed}s to stop after SIGTERM"
}

@test "the full variant's system libraries load with ctypes inside the worker" {
  require_variant full
  local list=/opt/pyfn/share/pyfn/system-libraries.txt
  run pyfn_exec test -s "$list"
  assert_success
  http_request GET "/api/syslibs?list=$list"
  assert_http_status 200
  assert_equal "$(http_json '.count > 0')" true
  assert_equal "$(http_json '.failed | join("\n")')" ''
}
