#!/usr/bin/env bash
# make test-scale: tests/scale/scale_test.py against the slim image of one cell (builds the
# cell first when its image is missing). Results in out/scale/results.json.
#   scripts/test-scale.sh [CELL] [--short] [--replicas N]
set -euo pipefail
cd "$(dirname "$0")/.."
cell=${1:-python311-bookworm}
shift || true
# python311-bookworm -> 3.11 and bookworm -> localhost/pyfn/python:3.11-slim-bookworm
py=${cell#python}; py=${py%%-*}; py="${py:0:1}.${py:1}"
debian=${cell#*-}
image=${PYFN_IMAGE:-localhost/pyfn/python:$py-slim-$debian}
if ! ./scripts/engine.sh image exists "$image"; then
  echo "test-scale: $image is missing; building the cell $cell first"
  make --no-print-directory image CELL="$cell"
fi
exec /usr/bin/python3 tests/scale/scale_test.py --image "$image" "$@"
