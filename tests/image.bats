#!/usr/bin/env bats
# What only an image can show: R7 (/tmp writable in a read-only container), I1 (the cell's
# Python), I2 (non-root, port 80, /home/site/wwwroot, HEALTHCHECK, SIGTERM, loader variables
# reaching the worker), the full
# variant's system libraries, the image's SBOM (CycloneDX, checked against its schema, the
# image's dpkg database, the link record of the builder and the strings inside the
# binaries) and its OCI labels. Natively only the first test runs. App: tests/apps/image_checks.

load helpers/common

setup_file() {
  pyfn_start image_checks
  # An app's loader settings, which secure execution (pyfn-host's file capability) takes
  # out of the host's environment; libc.so.6 is in every image, so the preload is harmless.
  # Only images have the capability: natively the test that uses this instance is skipped.
  [ "$PYFN_TARGET" != image ] ||
    pyfn_start -n loader -e LD_LIBRARY_PATH=/home/site/wwwroot/lib -e LD_PRELOAD=libc.so.6 image_checks
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

@test "I2: LD_LIBRARY_PATH and LD_PRELOAD set for the container reach the worker" {
  require_image "pyfn-host's file capability"
  # qemu-user, itself started in secure-execution mode by the capability, drops both
  # before the emulated host starts: there is nothing left to give back.
  require_native_arch "QEMU drops LD_LIBRARY_PATH and LD_PRELOAD of a binary with a capability"
  http_request -n loader GET /api/pyinfo
  assert_http_status 200
  assert_equal "$(http_json .ld_library_path)" /home/site/wwwroot/lib
  assert_equal "$(http_json .ld_preload)" libc.so.6
  refute [ "$(http_json .uid)" = 0 ]
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

# ---- SBOM (images/README.md, "What a release carries") ----------------------------------

SBOM=/opt/pyfn/share/pyfn/sbom.cdx.json

# sbom_copy: the image's SBOM in $BATS_TEST_TMPDIR/sbom.json
sbom_copy() {
  pyfn_exec cat "$SBOM" > "$BATS_TEST_TMPDIR/sbom.json" || fail "the image has no $SBOM"
}

# static_sources BINARY: the Debian source packages the SBOM says are linked into BINARY
static_sources() {
  jq -r --arg b "$1" '.components[]
    | select(any(.properties[]?; .name == "pyfn:linkage" and .value == "static"))
    | select(any(.properties[]?; .name == "pyfn:linked-into" and (.value | split(" ") | index($b))))
    | .properties[] | select(.name == "pyfn:debian:source") | .value' "$BATS_TEST_TMPDIR/sbom.json" | sort -u
}

@test "SBOM: the image carries a CycloneDX document valid against the CycloneDX schema" {
  require_image "the image's SBOM"
  sbom_copy
  assert_equal "$(jq -r .bomFormat "$BATS_TEST_TMPDIR/sbom.json")" CycloneDX
  [ -e "$BATS_TEST_DIRNAME/../node_modules/@cyclonedx/cyclonedx-library" ] ||
    fail "@cyclonedx/cyclonedx-library is not installed (make deps)"
  run node "$BATS_TEST_DIRNAME/helpers/validate-sbom.mjs" "$BATS_TEST_TMPDIR/sbom.json"
  assert_success
  assert_output --partial valid
}

@test "SBOM: every Debian package of the image, with version, architecture and source" {
  require_image "the image's SBOM"
  sbom_copy
  local want have
  want=$(pyfn_exec dpkg-query -W -f '${db:Status-Abbrev} ${Package}:${Architecture}=${Version}\n' |
         awk '$1 == "ii" {print $2}' | sort)
  have=$(jq -r '.components[] | select(.["bom-ref"] | startswith("deb/"))
    | "\(.name):\(.properties[] | select(.name == "pyfn:debian:architecture") | .value)=\(.version)"' \
    "$BATS_TEST_TMPDIR/sbom.json" | sort)
  [ -n "$want" ] || fail "dpkg-query listed nothing"
  assert_equal "$have" "$want"
  # Each has its source package, and python3 is there with a license from its copyright file.
  assert_equal "$(jq '[.components[] | select(.["bom-ref"] | startswith("deb/"))
    | select(any(.properties[]; .name == "pyfn:debian:source") | not)] | length' "$BATS_TEST_TMPDIR/sbom.json")" 0
  assert_equal "$(jq -r '[.components[] | select(.["bom-ref"] | startswith("deb/")) | select(.licenses)] | length > 10' \
    "$BATS_TEST_TMPDIR/sbom.json")" true
}

@test "SBOM: pyfn-host, pyfn-worker and azure.functions with version and git revision" {
  require_image "the image's SBOM"
  sbom_copy
  local name version
  for name in pyfn-host pyfn-worker; do
    version=$(pyfn_exec "/opt/pyfn/bin/$name" --version | awk '{print $2}')
    assert_equal "$(jq -r --arg n "$name" '.components[] | select(.name == $n) | .version' "$BATS_TEST_TMPDIR/sbom.json")" "$version"
  done
  version=$(pyfn_exec python3 -c 'import azure.functions as f; print(f.__version__)')
  assert_equal "$(jq -r '.components[] | select(.name == "azure-functions") | .version' "$BATS_TEST_TMPDIR/sbom.json")" "$version"
  local revision
  revision=$(pyfn_engine image inspect --format '{{index .Config.Labels "org.opencontainers.image.revision"}}' "$PYFN_IMAGE")
  [ -n "$revision" ] || fail "the image has no org.opencontainers.image.revision label"
  assert_equal "$(jq -r '[.components[] | select(.["bom-ref"] | startswith("pyfn/"))
    | .properties[] | select(.name == "pyfn:git-revision") | .value] | unique | join(" ")' "$BATS_TEST_TMPDIR/sbom.json")" "$revision"
}

@test "SBOM: every archive of the builder's link record is a static component of its binary" {
  require_image "the image's SBOM"
  sbom_copy
  local bin path n=0
  for bin in pyfn-host pyfn-worker; do
    run pyfn_exec cat "/opt/pyfn/share/pyfn/link/$bin.txt"
    assert_success
    [ -n "$output" ] || fail "the link record of $bin is empty"
    while read -r path; do
      n=$((n + 1))
      [ "$(jq --arg b "$bin" --arg p "$path" '[.components[]
          | select(any(.properties[]?; .name == "pyfn:linked-into" and (.value | split(" ") | index($b))))
          | select(any(.properties[]?; .name == "pyfn:archives" and (.value | split(" ") | index($p))))] | length' \
          "$BATS_TEST_TMPDIR/sbom.json")" -ge 1 ] || fail "$bin links $path, which the SBOM does not list"
    done <<<"$output"
  done
  [ "$n" -gt 10 ] || fail "only $n files in the link records"
}

@test "SBOM: what the binaries contain (their strings) is listed as linked statically, with versions" {
  require_image "the image's SBOM"
  sbom_copy
  local dir=$BATS_TEST_TMPDIR c
  c=$(pyfn_container app)
  pyfn_engine cp "$c:/opt/pyfn/bin/pyfn-worker" "$dir/pyfn-worker"
  pyfn_engine cp "$c:/opt/pyfn/bin/pyfn-host" "$dir/pyfn-host"
  # evidence: binary, a pattern of strings(1) output that only that library puts there,
  # the Debian source package the SBOM must list as linked into that binary.
  local evidence=(
    "pyfn-worker|^ deflate [0-9.]+ Copyright|zlib"
    "pyfn-worker|^OpenSSL X9.42 DH method|openssl"
    "pyfn-worker|^grpc-c\+\+/|grpc"
    "pyfn-worker|c-ares resolver|c-ares"
    "pyfn-worker|^google\.protobuf\.Timestamp|protobuf"
    "pyfn-host|^grpc-c\+\+/|grpc"
    "pyfn-host|c-ares resolver|c-ares"
    "pyfn-host|^google\.protobuf\.Timestamp|protobuf"
  )
  local e bin pattern source found=0
  for e in "${evidence[@]}"; do
    IFS='|' read -r bin pattern source <<<"$e"
    strings "$dir/$bin" | grep -qE "$pattern" || fail "$bin has no strings matching '$pattern' (is $source still linked statically?)"
    found=$((found + 1))
    static_sources "$bin" | grep -qx "$source" ||
      fail "$bin contains $source (strings: '$pattern') but the SBOM lists no static $source in it; it lists: $(static_sources "$bin" | xargs)"
  done
  # Versions: zlib's banner names its version; the SBOM's zlib is that upstream version.
  local banner sbom_version
  banner=$(strings "$dir/pyfn-worker" | sed -nE 's/^ deflate ([0-9.]+) Copyright.*/\1/p' | head -1)
  sbom_version=$(jq -r '.components[] | select(any(.properties[]?; .name == "pyfn:linkage" and .value == "static"))
    | select(any(.properties[]; .name == "pyfn:debian:source" and .value == "zlib")) | .version' "$BATS_TEST_TMPDIR/sbom.json")
  [[ $sbom_version == *"$banner"* ]] || fail "pyfn-worker has zlib $banner, the SBOM says $sbom_version"
  # And abseil (gRPC needs it) with a version.
  static_sources pyfn-worker | grep -qx abseil || fail "the SBOM lists no static abseil in pyfn-worker"
}

@test "SBOM and OCI labels: org.opencontainers.image.* name the source, revision, version, creation time and base" {
  require_image "the image's labels"
  local key value
  for key in source revision version created licenses title description base.name base.digest; do
    value=$(pyfn_engine image inspect --format "{{index .Config.Labels \"org.opencontainers.image.$key\"}}" "$PYFN_IMAGE")
    [ -n "$value" ] && [ "$value" != "<no value>" ] || fail "label org.opencontainers.image.$key is missing"
  done
  # created is SOURCE_DATE_EPOCH (the image's own creation time), in RFC 3339.
  value=$(pyfn_engine image inspect --format '{{index .Config.Labels "org.opencontainers.image.created"}}' "$PYFN_IMAGE")
  assert_regex "$value" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$'
  assert_equal "$(date -u -d "$value" +%s)" "$(date -u -d "$(pyfn_engine image inspect --format '{{.Created}}' "$PYFN_IMAGE" | cut -d' ' -f1,2)" +%s)"
  value=$(pyfn_engine image inspect --format '{{index .Config.Labels "org.opencontainers.image.base.digest"}}' "$PYFN_IMAGE")
  assert_regex "$value" '^sha256:[0-9a-f]{64}$'
}
