#!/bin/sh
# build/toolchain.sh PYTHON_VERSION [TARGET_ARCH]: installs, in an image's builder stage,
# the compiler and the -dev packages that build/compile.sh needs for this Debian release.
# TARGET_ARCH (a Debian architecture: amd64, arm64) defaults to the build machine's own.
# For another architecture the target is added to dpkg, crossbuild-essential-<arch>
# brings the cross compiler, and the libraries come as <name>:<arch>; protoc and
# grpc_cpp_plugin stay native. Installs through apt-install (images/debian/apt-install.sh,
# mounted at /usr/local/sbin/apt-install).
# Why these packages: the static gRPC/protobuf/abseil archives ship in their -dev packages
# (the worker links them with hidden symbols, and so does the host in images). abseil is
# named with its release (apt's pkg/suite): bullseye's libgrpc.a needs it without depending
# on it, and the mirror here lacks bullseye-security's rebuild of it. libzstd-dev: trixie's
# OpenSSL links zstd (static libssl.a needs libzstd.a).
set -eu
python_version=$1
native=$(dpkg --print-architecture)
target=${2:-$native}
[ -n "$target" ] || target=$native
x="" python_dev="python${python_version}-dev"
if [ "$target" != "$native" ]; then
  dpkg --add-architecture "$target"
  x=":$target"
  python_dev="libpython${python_version}-dev$x crossbuild-essential-$target"
fi
suite=$(. /etc/os-release && echo "$VERSION_CODENAME")
# shellcheck disable=SC2086  # python_dev is two words when cross-compiling
apt-install \
  build-essential cmake pkg-config ccache protobuf-compiler protobuf-compiler-grpc \
  "libgrpc++-dev$x" "libgrpc-dev$x" "libprotobuf-dev$x" \
  "libabsl-dev$x/$suite" "libre2-dev$x" "libc-ares-dev$x" "libssl-dev$x" "zlib1g-dev$x" "libzstd-dev$x" \
  "libboost-dev$x" nlohmann-json3-dev "libspdlog-dev$x" "?libfmt-dev$x" \
  $python_dev "python${python_version}"
