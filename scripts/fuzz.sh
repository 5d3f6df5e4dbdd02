#!/usr/bin/env bash
# make fuzz: builds the fuzz targets (HTTP requests, the worker stream, storage answers) with clang, libFuzzer, ASan and UBSan in
# out/build-fuzz and runs each for FUZZ_SECONDS (default 300) on its seed corpus
# (host/fuzz/corpus/<target>, copied to out/fuzz/corpus so the seeds stay clean).
# Crashes land in out/fuzz/<target>/; the summary line per target gives the
# executions and whether it crashed.
# Then the end-to-end drivers against out/bin (no clang build; tests/README.md "End-to-end
# fuzzing"): tests/fuzz/e2e_http_fuzz.py for FUZZ_E2E_SECONDS (default 600) and
# tests/fuzz/e2e_storage_fuzz.py for FUZZ_E2E_STORAGE_SECONDS (default 120; skipped without
# Azurite); FUZZ_E2E_SEED repeats a run; failing cases land in out/fuzz/e2e/.
# FUZZ_E2E_ONLY=1 runs only the end-to-end part.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-out}

e2e() {
  local rc=0 seed=()
  [ -z "${FUZZ_E2E_SEED:-}" ] || seed=(--seed "$FUZZ_E2E_SEED")
  echo "== e2e HTTP: ${FUZZ_E2E_SECONDS:-600}s against $OUT/bin/pyfn-host"
  export OUT
  /usr/bin/python3 tests/fuzz/e2e_http_fuzz.py --seconds "${FUZZ_E2E_SECONDS:-600}" \
    --bin "$OUT/bin" "${seed[@]}" || rc=1
  echo "== e2e storage: ${FUZZ_E2E_STORAGE_SECONDS:-120}s"
  local s=0
  /usr/bin/python3 tests/fuzz/e2e_storage_fuzz.py \
    --seconds "${FUZZ_E2E_STORAGE_SECONDS:-120}" --bin "$OUT/bin" "${seed[@]}" || s=$?
  [ "$s" = 0 ] || [ "$s" = 77 ] || rc=1
  return $rc
}
if [ "${FUZZ_E2E_ONLY:-0}" = 1 ]; then
  e2e
  exit $?
fi
SECONDS_EACH=${FUZZ_SECONDS:-300}
JOBS=${JOBS:-2}
BUILD="$OUT/build-fuzz"
san="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -g -O1"
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
  -DCMAKE_CXX_COMPILER=clang++ -DPYFN_FUZZ=ON -DPYFN_BUILD_TESTS=OFF \
  -DCMAKE_C_FLAGS="$san" -DCMAKE_CXX_FLAGS="$san" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
cmake --build "$BUILD" -j "$JOBS" --target http_request_fuzzer worker_stream_fuzzer storage_answer_fuzzer
status=0
for t in http_request_fuzzer worker_stream_fuzzer storage_answer_fuzzer; do
  corpus_src="host/fuzz/corpus/${t%_fuzzer}"
  work="$OUT/fuzz/$t"
  mkdir -p "$work/corpus"
  cp -n "$corpus_src"/* "$work/corpus/" 2>/dev/null || true
  log="$work/fuzz.log"
  echo "== $t: ${SECONDS_EACH}s"
  if ! (cd "$work" && ASAN_OPTIONS=detect_leaks=1 "$OLDPWD/$BUILD/host/fuzz/$t" \
        -max_total_time="$SECONDS_EACH" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 corpus) >"$log" 2>&1; then
    status=1
    echo "$t: CRASH, see $log and $work/crash-*"
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  echo "$t: ${runs:-?} executions, corpus $(ls "$work/corpus" | wc -l) inputs, $(ls "$work"/crash-* 2>/dev/null | wc -l) crash file(s)"
done
e2e || status=1
exit $status
