#!/usr/bin/env bats
# Spec row P2: the worker's own dependencies never collide with the app's. Each app asserts
# that it sees its own copy and that the worker keeps serving, with both settings of
# PYTHON_ISOLATE_WORKER_DEPENDENCIES.
# Apps: tests/apps/isolation_protobuf, isolation_shadow, isolation_grpc (see their READMEs).
# Debian packages are fetched at test time (tests/helpers/fetch-debian-python.sh) into copies
# of the apps under $BATS_FILE_TMPDIR; nothing fetched is committed.

load helpers/common

setup_file() {
  local proto grpcapp
  proto=$(pyfn_copy_app isolation_protobuf)
  pyfn_add_debian_python -r "$(pyfn_other_release)" "$proto" python3-protobuf python3-six
  grpcapp=$(pyfn_copy_app isolation_grpc)
  pyfn_add_debian_python -r "$PYFN_DEBIAN_RELEASE" -l -d "$grpcapp" python3-grpcio python3-protobuf

  pyfn_start -n proto1 -e PYTHON_ISOLATE_WORKER_DEPENDENCIES=1 "$proto"
  pyfn_start -n proto0 -e PYTHON_ISOLATE_WORKER_DEPENDENCIES=0 "$proto"
  pyfn_start -n shadow1 -e PYTHON_ISOLATE_WORKER_DEPENDENCIES=1 isolation_shadow
  pyfn_start -n shadow0 -e PYTHON_ISOLATE_WORKER_DEPENDENCIES=0 isolation_shadow
  pyfn_start -n grpc "$grpcapp"
}

teardown_file() {
  pyfn_stop_all
}

# fetched_version PKG: upstream version of PKG as fetched into the protobuf app (3.12.4).
fetched_version() {
  awk -v p="$1" '$1 == p { v = $2; sub(/^[0-9]+:/, "", v); sub(/-[^-]*$/, "", v); sub(/\+.*/, "", v); print v; exit }' \
    "$BATS_FILE_TMPDIR/apps/isolation_protobuf/.python_packages/FETCHED"
}

# assert_own_protobuf NAME: the app of instance NAME imports the protobuf it ships.
assert_own_protobuf() {
  http_request -n "$1" GET /api/versions
  assert_http_status 200
  local want got
  want=$(fetched_version python3-protobuf)
  got=$(http_json .protobuf_version)
  # Debian's 3.21.12 is protobuf's Python release 4.21.12: compare without the major.
  assert_equal "${got#*.}" "${want#*.}"
  assert_regex "$(http_json .protobuf_file)" '/\.python_packages/lib/site-packages/google/protobuf/__init__\.py$'
  assert_equal "$(http_json .grpc_version)" '0.0.1+pyfn.app.stub'
  # Struct{"answer": 42} serialized by the app's protobuf
  assert_equal "$(http_json .serialized)" 0a130a06616e737765721209110000000000004540
}

# assert_own_stubs NAME: six, typing_extensions, google and grpc are the app's stubs.
assert_own_stubs() {
  http_request -n "$1" GET /api/check
  assert_http_status 200
  local m
  for m in six typing_extensions google grpc; do
    assert_equal "$(http_json ".modules.$m.stub")" "$m"
  done
}

# app_paths_first: in the last /api/check or /api/versions answer, the app's
# .python_packages comes before any other site-packages or dist-packages on sys.path.
app_paths_first() {
  http_json '
    .sys_path as $p
    | ($p | map(test("/\\.python_packages/lib/site-packages/?$")) | index(true)) as $app
    | ([$p | to_entries[] | select((.value | test("(site|dist)-packages")) and (.value | test("\\.python_packages") | not)) | .key] | min) as $sys
    | $app != null and ($sys == null or $app < $sys)'
}

@test "P2: an app shipping another protobuf version imports its own (PYTHON_ISOLATE_WORKER_DEPENDENCIES=1)" {
  assert_own_protobuf proto1
}

@test "P2: an app shipping another protobuf version imports its own (PYTHON_ISOLATE_WORKER_DEPENDENCIES=0)" {
  assert_own_protobuf proto0
}

@test "P2: the worker keeps serving next to the app's protobuf" {
  local n
  for n in proto1 proto0; do
    http_request -n "$n" GET /api/versions
    assert_http_status 200
    http_request -n "$n" GET /api/versions
    assert_http_status 200
    run pyfn_status "$n"
    assert_output --regexp '"state" *: *"Running"'
  done
}

@test "P2: the app's stubs of six, typing_extensions, google and grpc are the app's own (PYTHON_ISOLATE_WORKER_DEPENDENCIES=1)" {
  assert_own_stubs shadow1
}

@test "P2: the app's stubs of six, typing_extensions, google and grpc are the app's own (PYTHON_ISOLATE_WORKER_DEPENDENCIES=0)" {
  assert_own_stubs shadow0
}

@test "P2: with PYTHON_ISOLATE_WORKER_DEPENDENCIES=1 the app's packages come first on sys.path" {
  http_request -n shadow1 GET /api/check
  assert_http_status 200
  assert_equal "$(app_paths_first)" true
  assert_equal "$(http_json .isolate)" 1
}

@test "P2: with PYTHON_ISOLATE_WORKER_DEPENDENCIES=0 the app's packages still come before the system's" {
  http_request -n shadow0 GET /api/check
  assert_http_status 200
  assert_equal "$(app_paths_first)" true
  assert_equal "$(http_json .isolate)" 0
}

@test "P2: the real gRPC and protobuf of the cell's Debian release run a gRPC server and client inside a function" {
  http_request -n grpc GET /api/roundtrip
  assert_http_status 200
  assert_equal "$(http_json .reply)" echo:hello
  assert_regex "$(http_json .grpc_file)" '/\.python_packages/lib/site-packages/grpc/__init__\.py$'
  assert_regex "$(http_json .protobuf_file)" '/\.python_packages/lib/site-packages/google/protobuf/__init__\.py$'
}

@test "P2: other requests keep flowing while a function runs gRPC" {
  local slow="$BATS_TEST_TMPDIR/slow.json"
  curl -sS --max-time 60 "$(pyfn_url grpc)/api/roundtrip?delay=3" >"$slow" &
  local bg=$! i
  sleep 0.5
  for i in 1 2 3; do
    http_request -n grpc GET /api/ping
    assert_http_status 200
    assert_output pong
    run awk -v t="$HTTP_TIME" 'BEGIN { exit !(t < 1.5) }'
    assert_success
  done
  wait "$bg"
  assert_equal "$(jq -r .reply "$slow")" echo:hello
}
