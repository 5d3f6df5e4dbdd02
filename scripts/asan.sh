#!/usr/bin/env bash
# make asan: builds everything with -fsanitize=address,undefined (GCC) in
# out/build-asan, runs the unit tests (host, worker, fuzz replays) and a native
# bats subset against those binaries (installed to out/asan). Sanitizer reports
# fail the run; pyfn-host's own reports land in its log (out/test-results/logs/native).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
OUT=${OUT:-out}
JOBS=${JOBS:-2}
BUILD="$OUT/build-asan"
PREFIX="$(pwd)/$OUT/asan"
san="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS="$san" -DCMAKE_CXX_FLAGS="$san" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
  -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null || exit 1
cmake --build "$BUILD" -j "$JOBS" || exit 1
cmake --install "$BUILD" --prefix "$PREFIX" >/dev/null || exit 1
# detect_leaks=0 for the worker: CPython keeps allocations until exit by design.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export PYFN_FUZZ_SECONDS=${PYFN_FUZZ_SECONDS:-5}
status=0
ctest --test-dir "$BUILD" --output-on-failure -j "$JOBS" -E 'azurite' || status=1
# The worker embeds CPython (ASan must be loaded first; leaks are CPython's).
subset=${ASAN_BATS:-tests/hello.bats tests/http-request.bats tests/prod-keys.bats tests/prod-limits.bats tests/prod-cors.bats tests/worker-crash.bats}
PYFN_BIN="$PREFIX/bin" ASAN_OPTIONS="abort_on_error=0:detect_leaks=0:log_path=$PWD/$OUT/asan/asan" \
  PYFN_START_TIMEOUT=120 bats $subset || status=1
if ls "$OUT"/asan/asan.* >/dev/null 2>&1; then
  echo "sanitizer reports:"; ls "$OUT"/asan/asan.*
  status=1
fi
exit $status
