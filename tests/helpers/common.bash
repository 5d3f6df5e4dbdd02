# Loaded by every tests/*.bats file: `load helpers/common`.
#
# One suite, two targets (see docs/internals.md "Tests"):
#   PYFN_TARGET=native (default)  pyfn-host from $PYFN_BIN (default out/bin) runs the app
#   PYFN_IMAGE=pyfn/python:3.11-slim-bookworm
#                                 the app runs in a container of that image (PYFN_TARGET
#                                 becomes "image"), mounted read-only at /home/site/wwwroot
#
# Knobs (environment):
#   PYFN_BIN              native binaries (default: <repo>/out/bin)
#   PYFN_START_TIMEOUT    seconds to wait for "Running" (default 60)
#   PYFN_HTTP_TIMEOUT     curl --max-time (default 30)
#   PYFN_LOG_DIR          where teardown keeps each app's log (default out/test-results/logs)
#   PYFN_DEBIAN_RELEASE, PYFN_PYTHON_VERSION, PYFN_VARIANT
#                         the cell under test; scripts/test-images.sh sets them, otherwise
#                         they are derived from the image tag or the machine.
#
# Helper files, each documented at the top:
#   app.bash     start/stop an app (native, container, derived image) and wait for readiness
#   http.bash    curl wrapper that captures status, headers and body, and its asserts
#   log.bash     read the host log and assert on it (waits: the log is asynchronous)
#   debian.bash  fetch Debian packages at test time into an app's .python_packages

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'
load '/usr/lib/bats/bats-file/load'

PYFN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export PYFN_ROOT
export PYFN_APPS="$PYFN_ROOT/tests/apps"
export PYFN_BIN="${PYFN_BIN:-$PYFN_ROOT/out/bin}"
if [ -n "${PYFN_IMAGE:-}" ]; then
  export PYFN_TARGET=image
else
  export PYFN_TARGET="${PYFN_TARGET:-native}"
fi
export PYFN_ENGINE="${PYFN_ENGINE:-$PYFN_ROOT/scripts/engine.sh}"

# The cell under test: Debian release, Python version, variant (slim|full|native).
if [ "$PYFN_TARGET" = image ]; then
  # pyfn/python:3.11-slim-bookworm -> 3.11 slim bookworm; pyfn/python:3.11-bookworm -> full;
  # the arm64 twins (pyfn/python:3.11-slim-bookworm-arm64) the same.
  _pyfn_tag="${PYFN_IMAGE##*:}"
  _pyfn_tag="${_pyfn_tag%-arm64}"
  : "${PYFN_DEBIAN_RELEASE:=${_pyfn_tag##*-}}"
  : "${PYFN_PYTHON_VERSION:=${_pyfn_tag%%-*}}"
  case "$_pyfn_tag" in *-slim-*) : "${PYFN_VARIANT:=slim}" ;; *) : "${PYFN_VARIANT:=full}" ;; esac
  unset _pyfn_tag
else
  : "${PYFN_DEBIAN_RELEASE:=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")}"
  : "${PYFN_PYTHON_VERSION:=$(/usr/bin/python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')}"
  : "${PYFN_VARIANT:=native}"
fi
export PYFN_DEBIAN_RELEASE PYFN_PYTHON_VERSION PYFN_VARIANT

_pyfn_helpers="$PYFN_ROOT/tests/helpers"
source "$_pyfn_helpers/app.bash"
source "$_pyfn_helpers/http.bash"
source "$_pyfn_helpers/log.bash"
source "$_pyfn_helpers/debian.bash"
unset _pyfn_helpers

# require_image: skip the current test unless it runs against a container image.
require_image() {
  [ "$PYFN_TARGET" = image ] || skip "needs a container image (set PYFN_IMAGE): ${1:-image-only behaviour}"
}

# require_native: skip the current test unless it runs natively.
require_native() {
  [ "$PYFN_TARGET" = native ] || skip "native only: ${1:-behaviour of a local run}"
}

# require_native_arch REASON: skip when the image is of another architecture than this
# machine's (its programs then run under QEMU's user emulation); natively nothing to skip.
require_native_arch() {
  [ "$PYFN_TARGET" = image ] || return 0
  local arch
  arch=$("$PYFN_ENGINE" image inspect --format '{{.Architecture}}' "$PYFN_IMAGE" 2>/dev/null)
  [ -z "$arch" ] || [ "$arch" = "$(dpkg --print-architecture)" ] ||
    skip "the image is $arch, emulated here: $1"
}

# require_variant full|slim: skip unless the image is that variant.
require_variant() {
  require_image "variant $1"
  [ "$PYFN_VARIANT" = "$1" ] || skip "only on the $1 variant (this is $PYFN_VARIANT)"
}

# json_get JSON EXPR: print a field of a JSON document with jq (-r), e.g. json_get "$output" .a.b
json_get() {
  printf '%s' "$1" | jq -r "$2"
}

# start_loopback_sink SCRIPT DIR [ARGS...]: starts tests/helpers/SCRIPT (a Python HTTP server
# that writes its port to DIR/port) in its own session, its pid in DIR/pid and its output in
# DIR/sink.log; returns when the port is known (status 1 and the log after 10 s). In an image
# without host networking the container cannot reach it: the test is skipped.
start_loopback_sink() {
  local script="$1" dir="$2"
  shift 2
  if [ "$PYFN_TARGET" = image ] && ! pyfn_engine_host_network; then
    skip "the container cannot reach ${script%.py} on this machine's loopback (needs host networking)"
  fi
  mkdir -p "$dir"
  setsid /usr/bin/python3 "$PYFN_ROOT/tests/helpers/$script" "$dir" "$@" \
    </dev/null >"$dir/sink.log" 2>&1 3>&- &
  echo $! >"$dir/pid"
  for _ in $(seq 1 100); do
    [ -s "$dir/port" ] && return 0
    sleep 0.1
  done
  echo "$script did not start" >&2
  cat "$dir/sink.log" >&2
  return 1
}
