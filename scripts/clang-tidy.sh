#!/usr/bin/env bash
# clang-tidy over the host and the worker: the checks of the repository's .clang-tidy (why
# each is on or off is written there), every warning an error. Runs over every host/**/*.cc
# and worker/*.cc the build compiles except the tests (*_test.cc): a file costs a full parse
# of its gRPC/Boost/GoogleTest headers (~5 s of CPU) before any check runs, and the 50
# tests would double the run past what a 2-core CI machine should spend; the tests are
# themselves run (ctest, and under ASan with `make asan`). Fuzz targets are in. Generated
# protobuf code lives in the build tree and third-party code outside the repository, so
# neither is a source here, and findings in headers are reported for host/ and worker/
# headers only. Uses the build's flags (scripts/lib/clang-db.sh), $(nproc) files at a
# time. Prints the findings and exits 1 on any (arguments: check just those files).
#   BUILD_DIR   the configured and built CMake tree (default out/build; `make build`)
#   CLANG_TIDY  the clang-tidy to run (default clang-tidy)
#   CLANGXX     the clang whose flags the database names (default clang++)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/clang-db.sh
tidy=${CLANG_TIDY:-clang-tidy}
command -v "$tidy" >/dev/null || { echo "clang-tidy: $tidy not found" >&2; exit 1; }
clang_db_prepare clang-tidy

if [ $# -gt 0 ]; then
  files=("$@")  # just these (paths from the repository's root)
else
  mapfile -t files < <(clang_db_sources 'host/' 'worker/' | grep -v '_test\.cc$')
fi

start=$(date +%s)
status=0
out=$(printf '%s\n' "${files[@]}" \
  | clang_db_parallel "$tidy" -p "$clang_db" --quiet --warnings-as-errors='*' \
      --header-filter="^$PWD/(host|worker)/") || status=$?
elapsed=$(( $(date +%s) - start ))

if [ "$status" != 0 ]; then
  printf '%s\n' "$out" | grep -v -E '^[0-9]+ (warnings?|errors?) (generated|treated as errors)\.$'
  findings=$(grep -c -E '(warning|error): .*\[[a-z0-9.,-]+\]$' <<<"$out" || true)
  echo "clang-tidy: ${#files[@]} files, $findings findings (${elapsed}s)"
  exit 1
fi
echo "clang-tidy: ${#files[@]} files, no findings (${elapsed}s)"
