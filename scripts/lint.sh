#!/usr/bin/env bash
# make lint: the checks that keep the tree tidy; `make test` runs them first. Each prints
# what it found (a passing one its last line, if any: the clang checks' file count and
# time); the script ends with "N passed, N failed" (one per check) and exits 1 on any.
#   shell        shellcheck over every shell script and bats helper (warnings and errors)
#   pyflakes     the Python we ship and our test tools (apps under tests/apps that are broken
#                on purpose are left out)
#   rows         every behaviour row the tree cites is in docs/behaviour.md
#                (scripts/check-behaviour-rows.sh)
#   references   no comment or doc names one of our issue numbers or a file outside the
#                repository (the repository explains itself: docs/behaviour.md, docs/internals.md)
#   thread-safety  no bare std::mutex in host/, and clang's -Wthread-safety over the host and
#                the worker (scripts/clang-thread-safety.sh)
#   tidy         clang-tidy over the host's and the worker's sources with the checks of
#                .clang-tidy, every warning an error (scripts/clang-tidy.sh)
# The two clang checks read the build's compile_commands.json ($BUILD_DIR, default
# out/build), so `make build` comes first.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
passed=0 failed=0
check() {  # check NAME COMMAND...
  local name=$1; shift
  local out
  if out=$("$@" 2>&1); then
    passed=$((passed + 1)); echo "lint $name: ok${out:+ (${out##*$'\n'})}"  # its last line
  else
    failed=$((failed + 1)); echo "lint $name: FAILED"; printf '%s\n' "$out" | head -40
  fi
}

shell_files() { git ls-files '*.sh' '*.bash'; }
python_files() {
  git ls-files 'worker/python/*.py' 'k8s/*.py' 'tests/scale/*.py' 'tests/fuzz/*.py' \
    'tests/helpers/*.py' 'bench/*.py' 'images/*.py'
}
no_outside_references() {
  # Our issue numbers ("issue 8", "(issue #3)"); upstream issues name their repository
  # ("azure-functions-host #7332") and are fine. Files outside: the shared docs of the team.
  ! git grep -nIiE '\bissues? #?[0-9]+\b|/work/shared|shared/docs/|shared/seed' -- \
      ':!package-lock.json' ':!scripts/lint.sh'
}

# shellcheck disable=SC2046
check shell shellcheck -S warning $(shell_files)
# shellcheck disable=SC2046
check pyflakes pyflakes3 $(python_files)
check rows ./scripts/check-behaviour-rows.sh
check references no_outside_references
check thread-safety ./scripts/clang-thread-safety.sh
check tidy ./scripts/clang-tidy.sh
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
