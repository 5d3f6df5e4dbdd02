#!/usr/bin/env bash
# Runs the bats suite inside the images of the bake matrix, as tests/matrix.conf says.
#   scripts/test-images.sh                       every cell, both variants
#   scripts/test-images.sh python311-bookworm    one cell (both variants)
#   scripts/test-images.sh python311-slim-bookworm   one variant of a cell (its target name)
# Cells come from docker-bake.hcl resolved by `scripts/buildx.sh bake --print default`.
# An image that is missing is built first with `make image CELL=<cell>`.
# Per image target T (python311-bookworm = full, python311-slim-bookworm = slim):
#   out/test-results/image-T.tap   TAP (scripts/test.sh counts these)
#   out/test-results/image-T.xml   JUnit
#   out/test-results/logs/<image>/ each app's host log
# Ends with a summary table (cell x variant) and exits 1 if anything failed.
# Knobs: PYFN_BUILD_MISSING=0 (do not build, fail the cell instead), BATS_ARGS (e.g. -f regex).
# PYFN_ARCH=arm64: the arm64 images (bake group "arm64", tags ...-arm64) under qemu
# emulation (scripts/binfmt.sh), only the files of TEST_ARM64_FILES (default: the smoke,
# image and one storage suite) that matrix.conf runs on the variant; a missing image is
# built with `make image-arm64`. Results as image-<target>.tap (targets end in -arm64).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
OUT=${OUT:-out}
results="$OUT/test-results"
mkdir -p "$results"

# ---- the matrix: target cell variant python debian image, one line per target ------------
targets_file=$(mktemp)
trap 'rm -f "$targets_file"' EXIT
group=default
if [ "${PYFN_ARCH:-amd64}" = arm64 ]; then
  group=arm64
  scripts/binfmt.sh >/dev/null || echo "test-images: qemu's binfmt handler is not set up as scripts/binfmt.sh wants it (tests that need it may fail)" >&2
fi
if ! scripts/buildx.sh bake --print "$group" 2>/dev/null | jq -r '
    .target | to_entries[] | [.key, .value.labels["io.pyfn.cell"], .value.labels["io.pyfn.variant"],
    .value.labels["io.pyfn.python"], .value.labels["io.pyfn.debian"], .value.tags[0]] | @tsv' |
    sort >"$targets_file" || [ ! -s "$targets_file" ]; then
  echo "test-images: cannot resolve the bake matrix (scripts/buildx.sh bake --print $group)" >&2
  exit 2
fi

wanted=("$@")
selected=()
while IFS=$'\t' read -r target cell variant py debian image; do
  if [ ${#wanted[@]} -gt 0 ]; then
    keep=0
    for w in "${wanted[@]}"; do
      [ "$w" = "$cell" ] || [ "$w" = "$target" ] && keep=1
    done
    [ "$keep" = 1 ] || continue
  fi
  selected+=("$target $cell $variant $py $debian $image")
done <"$targets_file"
if [ ${#selected[@]} -eq 0 ]; then
  echo "test-images: no cell matches: ${wanted[*]} (cells: $(cut -f2 "$targets_file" | sort -u | xargs))" >&2
  exit 2
fi

# ---- tests/matrix.conf ------------------------------------------------------------------
# files_for CELL VARIANT: the bats files to run, one per line; exclusions go to stderr.
files_for() {
  local cell=$1 variant=$2 kind a b c rest f
  local -a files=()
  while read -r kind a b c rest; do
    case "$kind" in
      run)
        [ "$a" = "$variant" ] || continue
        for f in $b $c $rest; do files+=("$f"); done ;;
    esac
  done < <(sed 's/#.*//' tests/matrix.conf)
  for f in "${files[@]}"; do
    local excluded=""
    if [ "$group" = arm64 ] && [[ " ${TEST_ARM64_FILES:-hello.bats image.bats storage-blob.bats} " != *" $f "* ]]; then
      continue
    fi
    while read -r kind a b c rest; do
      [ "$kind" = exclude ] || continue
      # The patterns of matrix.conf are globs on purpose.
      # shellcheck disable=SC2254
      case "$cell" in $a) ;; *) continue ;; esac
      # shellcheck disable=SC2254
      case "$variant" in $b) ;; *) continue ;; esac
      # shellcheck disable=SC2254
      case "$f" in $c) excluded=$rest ;; esac
    done < <(sed 's/#.*//' tests/matrix.conf)
    if [ -n "$excluded" ]; then
      echo "  excluded $f on $cell/$variant: $excluded" >&2
    else
      echo "tests/$f"
    fi
  done
}

image_exists() {
  scripts/engine.sh image inspect "$1" >/dev/null 2>&1
}

# ---- run ----------------------------------------------------------------------------------
declare -A built_cells=() summary=()
failed_any=0
for line in "${selected[@]}"; do
  read -r target cell variant py debian image <<<"$line"
  tap="$results/image-$target.tap"
  echo "== $target ($image)"
  if ! image_exists "$image" && [ -z "${built_cells[$cell]:-}" ]; then
    built_cells[$cell]=1
    if [ "${PYFN_BUILD_MISSING:-1}" = 1 ]; then
      make_target=image
      [ "$group" != arm64 ] || make_target="image-arm64"
      echo "   $image is missing: make $make_target CELL=$cell"
      make --no-print-directory "$make_target" CELL="$cell" 2>&1 | tee "$results/image-build-$cell.log" | tail -5
    fi
  fi
  if ! image_exists "$image"; then
    printf '1..1\nnot ok 1 image %s is available (build log: %s)\n' "$image" \
      "$results/image-build-$cell.log" >"$tap"
    summary[$target]="build failed"
    failed_any=1
    continue
  fi

  mapfile -t files < <(files_for "$cell" "$variant")
  if [ ${#files[@]} -eq 0 ]; then
    printf '1..0\n' >"$tap"
    summary[$target]="no tests"
    continue
  fi
  junit_dir=$(mktemp -d)
  start=$SECONDS
  # shellcheck disable=SC2086
  PYFN_IMAGE=$image PYFN_PYTHON_VERSION=$py PYFN_DEBIAN_RELEASE=$debian PYFN_VARIANT=$variant \
    bats --tap --report-formatter junit -o "$junit_dir" ${BATS_ARGS:-} "${files[@]}" 2>&1 | tee "$tap"
  [ -f "$junit_dir/report.xml" ] && mv "$junit_dir/report.xml" "$results/image-$target.xml"
  rm -rf "$junit_dir"
  ok=$(grep -c '^ok ' "$tap"); notok=$(grep -c '^not ok ' "$tap")
  skipped=$(grep -c '^ok .* # skip' "$tap")
  [ "$ok$notok" != 00 ] || notok=1
  summary[$target]="$((ok - skipped)) passed, $notok failed, $skipped skipped ($((SECONDS - start))s)"
  [ "$notok" = 0 ] || failed_any=1
done

# ---- summary: cell x variant ------------------------------------------------------------
echo
printf '%-22s %-44s %-44s\n' cell slim full
printf '%-22s %-44s %-44s\n' ---- ---- ----
for cell in $(printf '%s\n' "${selected[@]}" | awk '{print $2}' | sort -u); do
  s="-" f="-"
  for line in "${selected[@]}"; do
    read -r target c variant _ <<<"$line"
    [ "$c" = "$cell" ] || continue
    if [ "$variant" = slim ]; then s=${summary[$target]:-"-"}; else f=${summary[$target]:-"-"}; fi
  done
  printf '%-22s %-44s %-44s\n' "$cell" "$s" "$f"
done
echo "TAP and JUnit: $results/image-*.{tap,xml}"
exit "$failed_any"
