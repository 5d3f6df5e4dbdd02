#!/bin/sh
# build/compile.sh SRC PREFIX: compiles pyfn-host and pyfn-worker from the sources in SRC
# for an image and installs them into PREFIX (/opt/pyfn in the images), the way every
# image's builder stage does it. Environment:
#   PYTHON_VERSION       the Python the worker embeds (required, e.g. 3.11)
#   TARGET_ARCH          Debian architecture to build for (default: the machine's own;
#                        another one cross-compiles with build/toolchain.sh's packages)
#   PYFN_MAP_DIR         where the linker writes a map of each link (default
#                        /tmp/pyfn-maps): images/debian/sbom.py reads from it what went
#                        into each binary from which package
#   PYFN_CHECK_SYMBOLS   1 (default): fail when pyfn-worker exports a gRPC, protobuf or
#                        abseil symbol (docs/behaviour.md, P2)
# Release build, stripped at install; -ffile-prefix-map keeps SRC out of the binaries.
# With ccache (CCACHE_DIR) a rebuild after a small change is quick. Afterwards PREFIX holds
# share/pyfn/runtime-packages.txt (the Debian packages, name=version, of the shared
# libraries the binaries load: what the runtime stage installs), azure.functions and the
# worker's Python byte-compiled in checked-hash mode (no mtimes), and pyfn-host with the
# file capability cap_net_bind_service (build/set-file-caps.py says why). The caller sets
# the mtimes (SOURCE_DATE_EPOCH) once it has added its own files.
# Progress lines start with "builder: " (scripts/build-images.sh shows them).
set -eu
src=$1 prefix=$2
: "${PYTHON_VERSION:?PYTHON_VERSION is required}"
here=$(cd "$(dirname "$0")" && pwd)
native=$(dpkg --print-architecture)
target=${TARGET_ARCH:-$native}
[ -n "$target" ] || target=$native
maps=${PYFN_MAP_DIR:-/tmp/pyfn-maps}
work=$(mktemp -d /tmp/pyfn-build.XXXXXX)
start=$(date +%s)

tool="" arch_opt=""
set --
if [ "$target" != "$native" ]; then
  # The target's multiarch directory, compiler and Python; pkg-config reads its .pc files.
  triplet=$(dpkg-architecture -a"$target" -qDEB_HOST_MULTIARCH 2>/dev/null)
  cpu=$(dpkg-architecture -a"$target" -qDEB_HOST_GNU_CPU 2>/dev/null)
  tool="$triplet-" arch_opt="--arch $target"
  export PKG_CONFIG_LIBDIR="/usr/lib/$triplet/pkgconfig:/usr/share/pkgconfig"
  set -- -DCMAKE_SYSTEM_NAME=Linux "-DCMAKE_SYSTEM_PROCESSOR=$cpu" \
    "-DCMAKE_C_COMPILER=$triplet-gcc" "-DCMAKE_CXX_COMPILER=$triplet-g++" \
    "-DCMAKE_LIBRARY_ARCHITECTURE=$triplet" \
    "-DPython3_EXECUTABLE=/usr/bin/python$PYTHON_VERSION" \
    "-DPython3_INCLUDE_DIR=/usr/include/python$PYTHON_VERSION" \
    "-DPython3_LIBRARY=/usr/lib/$triplet/libpython$PYTHON_VERSION.so"
  echo "builder: cross-compiling for $target ($triplet)"
fi

mkdir -p "$maps"
cmake -S "$src" -B "$work" -DCMAKE_BUILD_TYPE=Release "$@" \
  -DPYFN_PYTHON_VERSION="$PYTHON_VERSION" -DPYFN_BUILD_TESTS=OFF -DPYFN_HOST_STATIC_GRPC=ON \
  -DCMAKE_EXE_LINKER_FLAGS="-Wl,-Map=$maps/" \
  -DCMAKE_C_FLAGS="-ffile-prefix-map=$src/=" -DCMAKE_CXX_FLAGS="-ffile-prefix-map=$src/=" >/dev/null
cmake --build "$work" -j "$(nproc)"
cmake --install "$work" --prefix "$prefix" --strip >/dev/null
rm -rf "$work"
echo "builder: compiled in $(( $(date +%s) - start ))s; ccache $(ccache -s 2>/dev/null | grep -m1 -iE 'hits|hit rate' | tr -s ' ')"

if [ "${PYFN_CHECK_SYMBOLS:-1}" = 1 ]; then
  leaked=$("${tool}nm" -D --defined-only -C "$prefix/bin/pyfn-worker" | grep -Ei 'grpc|protobuf|absl' || true)
  if [ -n "$leaked" ]; then
    echo "builder: pyfn-worker exports gRPC/protobuf/abseil symbols:"
    echo "$leaked" | head -20
    exit 1
  fi
fi

install -d "$prefix/share/pyfn"
# shellcheck disable=SC2086  # arch_opt is empty or two words
"$here/runtime-packages.sh" $arch_opt "$prefix/bin/pyfn-host" "$prefix/bin/pyfn-worker" \
  > "$prefix/share/pyfn/runtime-packages.txt"
echo "builder: runtime packages: $(tr '\n' ' ' < "$prefix/share/pyfn/runtime-packages.txt")"

find "$prefix" -name __pycache__ -prune -exec rm -rf {} +
PYTHONHASHSEED=0 "python$PYTHON_VERSION" -m compileall -q -j 1 --invalidation-mode checked-hash \
  "$prefix/lib/pyfn/python"
"python$PYTHON_VERSION" "$here/set-file-caps.py" "$prefix/bin/pyfn-host"
