#!/usr/bin/env bats
# Spec row B5: blob input and output bindings of HTTP functions, against Azurite.
# App: tests/apps/storage-blob (see its README).

load helpers/common
load helpers/storage

setup_file() {
  azurite_start
  pyfn_start_storage storage-blob
}

teardown_file() {
  pyfn_stop_all
  azurite_stop
}

@test "B5: a blob output writes the request body to the blob named by the route" {
  http_request PUT /api/blob/hello.txt --data-binary 'hello blob'
  assert_http_status 201
  assert_output 'stored hello.txt'
  run storage get-blob test-blobs/hello.txt
  assert_success
  assert_output 'hello blob'
}

@test "B5: a blob input reads the blob named by the route as bytes, str and InputStream" {
  storage put-blob test-blobs/read-me.txt 'some content'
  http_request GET /api/blob/read-me.txt
  assert_http_status 200
  assert_output 'some content'
  http_request GET /api/text/read-me.txt
  assert_http_status 200
  assert_output 'str:some content'
  http_request GET /api/stream/read-me.txt
  assert_http_status 200
  assert_output 'InputStream 12 some content'
}

@test "B5: a missing blob is None" {
  http_request GET /api/blob/no-such-blob.txt
  assert_http_status 404
  assert_output 'missing'
  http_request GET /api/stream/no-such-blob.txt
  assert_http_status 404
}

@test "B5: binary content survives the round trip byte for byte" {
  printf '\x00\x01\xfe\xff binary' >"$BATS_TEST_TMPDIR/bin"
  http_request PUT /api/blob/binary.bin --data-binary "@$BATS_TEST_TMPDIR/bin"
  assert_http_status 201
  http_request GET /api/blob/binary.bin
  assert_http_status 200
  [ "$(http_body_hex)" = "0001feff2062696e617279" ]
}

@test "B5: path expressions resolve from query parameters and JSON body members" {
  http_request POST '/api/write-query?name=from-query' --data-binary 'q body'
  assert_http_status 201
  run storage get-blob test-blobs/q-from-query
  assert_output 'q body'
  http_request POST /api/write-json -H 'Content-Type: application/json' \
    --data '{"folder": "f1", "file": "doc", "text": "json text"}'
  assert_http_status 201
  run storage get-blob json-blobs/f1/doc.txt
  assert_success
  assert_output 'json text'
}

@test "B5: an output creates its container when missing ({rand-guid} gives a new one)" {
  storage put-blob test-blobs/src.txt 'abc'
  http_request POST /api/copy/src.txt/dst.txt
  assert_http_status 201
  # the new container holds the reversed copy
  local found=""
  for c in $(storage list-containers copies-); do
    if [ "$(storage get-blob "$c/dst.txt")" = "cba" ]; then found=$c; fi
  done
  [ -n "$found" ] || fail "no copies-* container holds dst.txt = cba"
}

@test "B5: an unresolvable path expression fails that invocation, naming the binding and expression" {
  http_request POST /api/write-unresolvable --data 'x'
  assert_http_status 500
  assert_log "output binding 'out'.*binding expression '\{nosuchvalue\}'"
  http_request GET /api/read-unresolvable
  assert_http_status 500
  assert_log "input binding 'blob'.*binding expression '\{nosuchvalue\}'"
  http_request GET /api/ping
  assert_http_status 200
}

@test "B5: a value the blob output cannot write is a TypeError naming the binding and type" {
  http_request POST /api/write-unsupported --data 'x'
  assert_http_status 500
  assert_log "the 'blob' binding cannot convert a value of type int"
}

@test "L8: a missing or malformed connection setting is a load error of that function only" {
  assert_log "Function 'missing_connection' failed to load: .*'NoSuchStorageSetting' is not set"
  assert_log "Function 'bad_connection' failed to load: .*'BadConnection' is malformed"
  refute_log "BadConnection.*this is not a connection string"
  http_request GET /api/missing-connection
  assert_http_status 500
  http_request GET /api/bad-connection
  assert_http_status 500
  http_request GET /api/ping
  assert_http_status 200
  assert_output 'pong'
}

@test "B5: a blob written before a host restart is read after it" {
  http_request PUT /api/blob/durable.txt --data-binary 'survives restarts'
  assert_http_status 201
  pyfn_stop
  pyfn_start_storage storage-blob
  http_request GET /api/blob/durable.txt
  assert_http_status 200
  assert_output 'survives restarts'
}

@test "B5: a wrong account key fails the invocation naming account and operation; the host keeps serving" {
  local bad="${AZURITE_CONNECTION_STRING/AccountKey=Eby8/AccountKey=AAAA}"
  pyfn_start -n wrongkey -e "AzureWebJobsStorage=$bad" storage-blob
  http_request -n wrongkey GET /api/blob/hello.txt
  assert_http_status 500
  assert_log -n wrongkey "account devstoreaccount1: GetBlob test-blobs/hello.txt: 403"
  http_request -n wrongkey GET /api/ping
  assert_http_status 200
  pyfn_stop wrongkey
}

@test "B5: unreachable storage fails the invocation naming account and operation; the host keeps serving" {
  local port cs
  port=$(pyfn_free_port)
  cs="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$port/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$port/devstoreaccount1;"
  pyfn_start -n unreachable -e "AzureWebJobsStorage=$cs" storage-blob
  http_request -n unreachable PUT /api/blob/x.txt --data 'x'
  assert_http_status 500
  assert_log -n unreachable "output binding .out.: account devstoreaccount1: (CreateContainer test-blobs|PutBlob test-blobs/x.txt): .*(onnect|refused)"
  http_request -n unreachable GET /api/ping
  assert_http_status 200
  pyfn_stop unreachable
}

@test "measure: blob round trip (PUT then GET through functions) against Azurite" {
  # One keep-alive client, 200 round trips of a 1 KiB blob: PUT (blob output) then GET (blob
  # input), each through a function; mean and percentiles of the pair.
  local port
  port=$(_pyfn_state app port)
  run /usr/bin/python3 - "$port" <<'PY'
import http.client, statistics, sys, time
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=30)
body = b"x" * 1024
times = []
for i in range(220):
    t0 = time.perf_counter()
    c.request("PUT", f"/api/blob/rt-{i}.bin", body); r = c.getresponse(); r.read()
    assert r.status == 201, r.status
    c.request("GET", f"/api/blob/rt-{i}.bin"); r = c.getresponse(); got = r.read()
    assert r.status == 200 and got == body, r.status
    if i >= 20:
        times.append((time.perf_counter() - t0) * 1000)
times.sort()
print(f"blob round trip through functions (PUT 1 KiB via blob output + GET via blob input, "
      f"Azurite, keep-alive client, 200 runs): mean {statistics.mean(times):.1f} ms, "
      f"p50 {times[len(times)//2]:.1f} ms, p95 {times[int(len(times)*0.95)]:.1f} ms")
PY
  assert_success
  mkdir -p "$PYFN_ROOT/out/test-results"
  echo "$output" | tee -a "$PYFN_ROOT/out/test-results/storage-measurements.txt" >&3
}
