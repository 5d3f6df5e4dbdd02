#!/usr/bin/env bats
# Spec row I3: a custom image `FROM` the cell's image with the app copied in and its
# requirements.txt installed with pip, offline, from a wheel the test builds (pip runs in an
# install stage FROM the cell's full variant, as examples/custom-container does).
# App: tests/apps/derived (see its README).

load helpers/common

setup_file() {
  [ "$PYFN_TARGET" = image ] || return 0
  local ctx="$BATS_FILE_TMPDIR/derived"
  rm -rf "$ctx"; cp -a "$PYFN_APPS/derived" "$ctx"
  /usr/bin/python3 "$PYFN_ROOT/tests/helpers/make-wheel.py" "$ctx/wheels" >/dev/null
  # What a user writes (examples/custom-container): pip runs offline in an install stage
  # FROM the cell's full variant (the slim one has no pip), as root; the result is copied
  # into the image under test, whose non-root user must stay the default.
  cat >"$ctx/Dockerfile" <<DOCKERFILE
ARG INSTALL_IMAGE
ARG BASE_IMAGE
FROM \${INSTALL_IMAGE} AS install
USER root
COPY . /src
RUN python3 -m pip install --no-cache-dir --no-index --find-links /src/wheels \\
      --target /site-packages -r /src/requirements.txt
FROM \${BASE_IMAGE}
COPY . /home/site/wwwroot
COPY --from=install /site-packages /home/site/wwwroot/.python_packages/lib/site-packages
DOCKERFILE
  export PYFN_DERIVED_TAG="localhost/pyfn-test/derived:${PYFN_IMAGE##*:}-$$"
  pyfn_build_image "$ctx" "$PYFN_DERIVED_TAG" >"$BATS_FILE_TMPDIR/build.log" 2>&1 || {
    cat "$BATS_FILE_TMPDIR/build.log" >&2
    return 1
  }
  pyfn_start -i "$PYFN_DERIVED_TAG"
}

teardown_file() {
  pyfn_stop_all
  [ -z "${PYFN_DERIVED_TAG:-}" ] || pyfn_engine rmi -f "$PYFN_DERIVED_TAG" >/dev/null 2>&1 || true
}

@test "I3: a derived image with requirements.txt installed offline serves the app" {
  require_image "a derived image"
  http_request GET /api/uses_dep
  assert_http_status 200
  assert_output 'pyfn-wheel-dep 1.0.0 from /home/site/wwwroot/.python_packages/lib/site-packages/pyfn_wheel_dep/__init__.py'
}

@test "I3: the derived image keeps the base image's non-root user" {
  require_image "a derived image"
  run pyfn_exec id -u
  refute_output 0
}
