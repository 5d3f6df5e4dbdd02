#!/usr/bin/env bash
# Runs pyfn's test suites and ends with one line CI can read: "N passed, N failed".
#   scripts/test.sh            every suite `make test` runs (images: the bookworm cell, then a
#                              short scale run of its slim image, tests/scale/scale_test.py)
#   scripts/test.sh SUITE...   some of: lint unit python native images
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
OUT=${OUT:-out}
mkdir -p "$OUT/test-results"

suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(lint unit python native images)

passed=0 failed=0
tally() {  # tally PASSED FAILED SUITE
  passed=$((passed + $1)); failed=$((failed + $2))
  printf '== %s: %d passed, %d failed\n' "$3" "$1" "$2"
}

run_lint() {
  local log="$OUT/test-results/lint.log"
  BUILD_DIR=${BUILD_DIR:-$OUT/build} ./scripts/lint.sh 2>&1 | tee "$log"
  local p f
  p=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$log" | tail -1)
  f=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$log" | tail -1)
  [ -n "$p" ] || f=1
  tally "${p:-0}" "${f:-1}" lint
}

run_unit() {
  local log="$OUT/test-results/unit.log"
  ctest --test-dir "$OUT/build" --output-on-failure -j "$(nproc)" 2>&1 | tee "$log"
  local total fail
  total=$(sed -n 's/.*tests passed, [0-9]* tests failed out of \([0-9]*\).*/\1/p' "$log" | tail -1)
  fail=$(sed -n 's/.*tests passed, \([0-9]*\) tests failed out of.*/\1/p' "$log" | tail -1)
  tally "$(( ${total:-0} - ${fail:-0} ))" "${fail:-1}" unit
}

run_python() {
  local log="$OUT/test-results/python.log"
  /usr/bin/python3 -m pytest -q -p no:cacheprovider worker/python/tests k8s/tests \
    --junitxml="$OUT/test-results/python.xml" 2>&1 | tee "$log"
  local p f e
  p=$(grep -Eo '[0-9]+ passed' "$log" | tail -1 | cut -d' ' -f1)
  f=$(grep -Eo '[0-9]+ failed' "$log" | tail -1 | cut -d' ' -f1)
  e=$(grep -Eo '[0-9]+ errors?' "$log" | tail -1 | cut -d' ' -f1)
  [ -n "$p$f$e" ] || f=1
  tally "${p:-0}" "$(( ${f:-0} + ${e:-0} ))" python
}

run_bats() {  # run_bats NAME FILES...
  local name=$1; shift
  local tap="$OUT/test-results/$name.tap"
  bats --tap "$@" 2>&1 | tee "$tap"
  local ok notok
  ok=$(grep -c '^ok ' "$tap")
  notok=$(grep -c '^not ok ' "$tap")
  [ "$ok$notok" != 00 ] || notok=1
  tally "$ok" "$notok" "$name"
}

run_native() {
  PYFN_TARGET=native run_bats native tests/*.bats
}

run_images() {
  # CI builds and checks one cell (the full matrix takes about an hour more here:
  # `make test-images`); TEST_CELLS="..." picks others.
  local before_p=$passed before_f=$failed
  rm -f "$OUT"/test-results/image-*.tap
  local cell cells=${TEST_CELLS:-python311-bookworm}
  for cell in $cells; do
    # Always (re)build: the layer cache makes it cheap, and a stale image would test old code.
    make --no-print-directory image CELL="$cell" || { failed=$((failed + 1)); echo "== image $cell: build failed"; }
  done
  PYFN_BUILD_MISSING=0 ./scripts/test-images.sh $cells || true
  # test-images.sh writes its own TAP per cell; count them.
  local tap
  for tap in "$OUT"/test-results/image-*.tap; do
    [ -e "$tap" ] || { failed=$((failed + 1)); continue; }
    passed=$((passed + $(grep -c '^ok ' "$tap")))
    failed=$((failed + $(grep -c '^not ok ' "$tap")))
  done
  printf '== images: %d passed, %d failed\n' $((passed - before_p)) $((failed - before_f))
  run_scale "${cells%% *}"
}

# The short scale run (1 -> 2 -> 1 replicas of the slim image behind HAProxy); `make
# test-scale` is the full one. Its checks count as tests.
run_scale() {  # run_scale CELL
  local log="$OUT/test-results/scale.log"
  ./scripts/test-scale.sh "$1" --short --out "$OUT/scale-short" 2>&1 | tee "$log"
  local p f
  p=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$log" | tail -1)
  f=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$log" | tail -1)
  [ -n "$p" ] || f=1
  tally "${p:-0}" "${f:-1}" scale
}

for s in "${suites[@]}"; do
  case "$s" in
    lint|unit|python|native|images) "run_$s" ;;
    *) echo "unknown suite: $s" >&2; failed=$((failed + 1)) ;;
  esac
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
