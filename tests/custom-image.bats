#!/usr/bin/env bats
# Spec row I3: a custom image `FROM` the cell's image with the app copied in and its
# requirements.txt installed with pip, offline, from a wheel the test builds.
# App: tests/apps/derived (see its README).

load helpers/common

setup_file() {
  [ "$PYFN_TARGET" = image ] || return 0
  local ctx="$BATS_FILE_TMPDIR/derived" user
  rm -rf "$ctx"; cp -a "$PYFN_APPS/derived" "$ctx"
  /usr/bin/python3 "$PYFN_ROOT/tests/helpers/make-wheel.py" "$ctx/wheels" >/dev/null
  user=$(pyfn_engine inspect --format '{{.Config.User}}' "$PYFN_IMAGE")
  # What a user writes (Azure's custom-container recipe), with pip offline; the base image
  # runs as a non-root user, so the install step switches to root and back.
  cat >"$ctx/Dockerfile" <<DOCKERFILE
ARG BASE_IMAGE
FROM \${BASE_IMAGE}
USER root
COPY . /home/site/wwwroot
RUN python3 -m pip install --no-cache-dir --no-index --find-links /home/site/wwwroot/wheels \\
      --target /home/site/wwwroot/.python_packages/lib/site-packages \\
      -r /home/site/wwwroot/requirements.txt
USER ${user:-1000:1000}
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
