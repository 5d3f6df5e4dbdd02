#!/usr/bin/env bash
# clang's thread-safety analysis over the host and the worker: the rules of
# host/common/thread_annotations.h, checked with -fsyntax-only -Wthread-safety -Werror and
# otherwise the flags of the CMake build (scripts/lib/clang-db.sh). Prints each file's
# findings and exits 1 on any warning (arguments: check just those files).
#   - First, host/ holds no bare std::mutex, std::condition_variable or std lock: code the
#     analysis cannot see is code it cannot check (pyfn::Mutex, MutexLock and CondVar
#     replace them).
#   - Then every host/**/*.cc and worker/*.cc that sees the annotations, directly or through
#     our headers, except fuzz targets and the tests that do not include
#     thread_annotations.h themselves (a test that takes locks of its own includes it and
#     is checked). Files that see no annotations have nothing to find and are skipped to
#     keep the run short.
#   BUILD_DIR   the configured and built CMake tree (default out/build; `make build` makes
#               it, and the generated protobuf headers the host includes live there)
#   CLANGXX     the clang to run (default clang++)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/clang-db.sh

bare=$(git grep -nE 'std::(recursive_|timed_|shared_)?mutex\b|std::condition_variable|std::(lock_guard|unique_lock|scoped_lock|shared_lock)\b' \
  -- 'host/*' ':!host/common/thread_annotations.h' || true)
if [ -n "$bare" ]; then
  printf '%s\n' "$bare"
  echo "clang-thread-safety: bare std locks in host/ (use pyfn::Mutex, MutexLock, CondVar)"
  exit 1
fi

clang_db_prepare clang-thread-safety

header=host/common/thread_annotations.h
# The repository's files that see the annotations: the header, then whatever includes one
# of those, until nothing new turns up. The worker includes by its own directory too
# ("rpc_stream.h").
annotated() {
  local seen=$header next
  local -a patterns
  while :; do
    mapfile -t patterns < <(sed -e 's|.*|#include "&"|' -e 'p' \
      -e 's|#include "worker/|#include "|' <<<"$seen" | sort -u)
    next=$( (printf '%s\n' "$seen"; git grep -l -F "${patterns[@]/#/-e}" -- 'host/*' 'proto/*' 'worker/*') \
      | sort -u)
    [ "$next" = "$seen" ] && break
    seen=$next
  done
  printf '%s\n' "$seen"
}
if [ $# -gt 0 ]; then
  files=("$@")  # just these (paths from the repository's root)
else
  mapfile -t files < <( {
    annotated | grep -E '^(host|worker)/.*\.cc$' | grep -v -e '_test\.cc$' -e '^host/fuzz/'
    git grep -l -F "#include \"$header\"" -- '*_test.cc'
  } | sort -u)
fi

start=$(date +%s)
status=0
out=$(printf '%s\n' "${files[@]}" \
  | clang_db_parallel clang_db_compile -fsyntax-only -Wthread-safety -Werror) || status=$?
elapsed=$(( $(date +%s) - start ))

if [ "$status" != 0 ] || [ -n "$out" ]; then
  printf '%s\n' "$out"
  findings=$(grep -c -E '(warning|error):' <<<"$out" || true)
  echo "clang-thread-safety: ${#files[@]} files, $findings findings (${elapsed}s)"
  exit 1
fi
echo "clang-thread-safety: ${#files[@]} files, no findings (${elapsed}s)"
