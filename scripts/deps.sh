#!/usr/bin/env bash
# Installs every Debian package that pyfn's build, tests and benchmarks need.
# Idempotent; run as root (or through sudo) on Debian bullseye, bookworm or trixie.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake pkg-config ccache
  # protocol: gRPC and protobuf (static archives ship in the -dev packages)
  libgrpc++-dev libgrpc-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc
  libabsl-dev libre2-dev libc-ares-dev libssl-dev zlib1g-dev libexpat1-dev libzstd-dev
  # host: HTTP front end, config, logs, storage client
  libboost-dev nlohmann-json3-dev libspdlog-dev libfmt-dev
  # worker: embedded CPython
  python3 python3-dev
  # tests
  libgtest-dev libgmock-dev googletest bats bats-assert bats-support bats-file
  curl jq python3-pytest procps iproute2
  # decorator-model tests: ASGI/WSGI apps copied into test apps' .python_packages
  python3-fastapi python3-starlette python3-flask
  # benchmarks
  wrk hyperfine valgrind
  # make fuzz (libFuzzer) and make asan
  clang
  # images: podman/buildah without a daemon (vfs, runc), offline base images from the archive
  podman buildah skopeo runc uidmap mmdebstrap debian-archive-keyring
  # arm64 images (make images-arm64): their runtime stages and tests run under qemu
  # emulation; scripts/binfmt.sh registers the handler when an arm64 target needs it
  qemu-user-static binfmt-support arch-test
  # podman kube play (tests/k8s-kube-play.bats): the pause process of its pods
  catatonit
  # storage tests: Azurite (npm, pinned in package.json) runs on Node.js; so do the
  # manifest validation (kubernetes-models, k8s/validate.mjs) and the SBOM schema check
  # (@cyclonedx/cyclonedx-library, tests/helpers/validate-sbom.mjs)
  nodejs
  # make test-scale: the load balancer in front of the replicas
  haproxy
  # make lint (clang-tidy; the thread-safety analysis uses clang above)
  shellcheck python3-pyflakes clang-tidy
)
# Debian ships npm as its own package; NodeSource's nodejs bundles it (and
# conflicts with Debian's npm), so ask for it only when it is missing.
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all ${#packages[@]} packages present"
else
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  echo "deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Azurite, pinned by package-lock.json, into the project's node_modules (never
# globally); scripts/azurite.sh runs it from there.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ ! -x "$root/node_modules/.bin/azurite" ] ||
   [ "$root/package-lock.json" -nt "$root/node_modules/.package-lock.json" ]; then
  echo "deps: installing Azurite, the Kubernetes/KEDA and CycloneDX schemas into $root/node_modules (npm ci)"
  (cd "$root" && npm ci --no-audit --no-fund --loglevel=error)
fi
