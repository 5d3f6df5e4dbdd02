#!/usr/bin/env bash
# Installs every Debian package that pyfn's build, tests and benchmarks need.
# Idempotent; run as root (or through sudo) on Debian bullseye, bookworm or trixie.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake pkg-config ccache
  # protocol: gRPC and protobuf (static archives ship in the -dev packages)
  libgrpc++-dev libgrpc-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc
  libabsl-dev libre2-dev libc-ares-dev libssl-dev zlib1g-dev
  # host: HTTP front end, config, logs, storage client
  libboost-dev nlohmann-json3-dev libspdlog-dev libfmt-dev libcurl4-openssl-dev
  # worker: embedded CPython
  python3 python3-dev
  # tests
  libgtest-dev libgmock-dev googletest bats bats-assert bats-support bats-file
  curl jq python3-pytest procps iproute2
  # benchmarks
  wrk hyperfine
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all ${#packages[@]} packages present"
  exit 0
fi
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
echo "deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
