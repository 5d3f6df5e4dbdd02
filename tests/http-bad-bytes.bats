#!/usr/bin/env bats
# Bytes that are not UTF-8 in an anonymous HTTP request must not kill the worker (they once
# did: the host copied them into protobuf `string` fields, the worker could not parse the
# message, closed its stream and every invocation in flight on it failed). Query values whose
# %XX escapes do not decode to UTF-8 keep the escapes (as ASP.NET's Uri.UnescapeDataString);
# raw bytes that are not UTF-8 in a header value or the request target get a 400 from the
# host. After each, the worker is the same process and pyfn_worker_restarts_total is 0.
# Native and in every image cell (tests/matrix.conf). App: tests/apps/fuzz-target.

load helpers/common
load helpers/prod

MASTER=bad-bytes-master-key-0123456789abcdef

setup_file() {
  pyfn_start -e AzureWebJobsSecretStorageType=memory -e "PYFN_MASTER_KEY=$MASTER" fuzz-target
  local pid
  pid=$(curl -s --max-time 10 "$(pyfn_url)/api/pid")
  [[ "$pid" =~ ^[0-9]+$ ]] || { echo "no worker pid: '$pid'" >&2; return 1; }
  echo "$pid" >"$BATS_FILE_TMPDIR/worker.pid"
}

teardown_file() {
  pyfn_stop_all
}

# assert_same_worker: the host runs, /api/pid answers the pid of the first worker and the
# metrics count no restart.
assert_same_worker() {
  sleep 0.3
  pyfn_alive || fail "the host died; $(pyfn_dump_log app 40)"
  local now first
  first=$(cat "$BATS_FILE_TMPDIR/worker.pid")
  now=$(curl -s --max-time 10 "$(pyfn_url)/api/pid")
  [ "$now" = "$first" ] || fail "the worker was restarted: pid $first -> '$now'; $(pyfn_dump_log app 40)"
  prod_with_key "$MASTER" GET /admin/metrics
  assert_http_status 200
  assert_output --regexp 'pyfn_worker_restarts_total 0'
}

@test "query value %FF: 200, the function sees the text %FF, the worker lives" {
  http_request GET '/api/hello?name=%FF'
  assert_http_status 200
  [ "$(http_json .name)" = '%FF' ] || fail "name is '$(http_json .name)', expected '%FF'; body: $HTTP_BODY"
  assert_same_worker
}

@test "raw 0xFF in a header value: 400 from the host, the worker lives" {
  run prod_raw -t 5 < <(printf 'GET /api/hello HTTP/1.1\r\nHost: x\r\nX-Bad: \xff\r\n\r\n')
  [ "$(prod_status_codes "$output")" = 400 ] || fail "expected one 400, got: $output"
  assert_same_worker
}

@test "raw 0xFF in the Cookie header: 400 from the host, the worker lives" {
  run prod_raw -t 5 < <(printf 'GET /api/hello HTTP/1.1\r\nHost: x\r\nCookie: a=\xff\r\n\r\n')
  [ "$(prod_status_codes "$output")" = 400 ] || fail "expected one 400, got: $output"
  assert_same_worker
}

@test "raw 0xFF in the query string: 400 from the host, the worker lives" {
  run prod_raw -t 5 < <(printf 'GET /api/hello?na\xffme=1 HTTP/1.1\r\nHost: x\r\n\r\n')
  [ "$(prod_status_codes "$output")" = 400 ] || fail "expected one 400, got: $output"
  assert_same_worker
}
