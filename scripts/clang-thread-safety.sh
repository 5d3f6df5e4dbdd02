#!/usr/bin/env bash
# clang's thread-safety analysis over the host: every host/**/*.cc except tests and fuzz
# targets, compiled with -fsyntax-only -Wthread-safety -Werror=thread-safety and otherwise
# the flags of the CMake build (its compile_commands.json). The rules it checks are the
# annotations of host/common/thread_annotations.h. Prints each file's findings and exits 1
# on any warning (arguments: check just those files). Files that do not include
# thread_annotations.h, directly or through our headers, carry no annotations and so have
# nothing to find; they are skipped to keep the run short.
#   BUILD_DIR   the configured and built CMake tree (default out/build; `make build` makes
#               it, and the generated protobuf headers the host includes live there)
#   CLANGXX     the clang to run (default clang++)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build_dir=${BUILD_DIR:-out/build}
db=$build_dir/compile_commands.json
clangxx=${CLANGXX:-clang++}

if [ ! -f "$db" ]; then
  echo "clang-thread-safety: $db is missing; run \`make build\` first" >&2
  exit 1
fi
command -v "$clangxx" >/dev/null || { echo "clang-thread-safety: $clangxx not found" >&2; exit 1; }

# The repository's files that see the annotations: the header, then whatever includes one
# of those, until nothing new turns up.
annotated() {
  local seen=host/common/thread_annotations.h next
  local -a patterns
  while :; do
    mapfile -t patterns < <(sed 's|.*|#include "&"|' <<<"$seen")
    next=$( (printf '%s\n' "$seen"; git grep -l -F "${patterns[@]/#/-e}" -- 'host/*' 'proto/*') \
      | sort -u)
    [ "$next" = "$seen" ] && break
    seen=$next
  done
  printf '%s\n' "$seen"
}
if [ $# -gt 0 ]; then
  files=("$@")  # just these (paths from the repository's root)
else
  mapfile -t files < <(annotated | grep -E '^host/.*\.cc$' \
    | grep -v -e '_test\.cc$' -e '^host/fuzz/')
fi

# One shell-quoted command line per file: the build's flags, the compiler swapped for
# clang, the output dropped, gcc-only and warning flags replaced by the analysis.
commands=$(printf '%s\n' "${files[@]}" | jq -R -r -s --slurpfile db "$db" \
  --arg root "$root" --arg cxx "$clangxx" '
  ($db[0] | map({key: .file, value: .}) | from_entries) as $by_file
  | split("\n") | map(select(. != ""))
  | .[]
  | . as $f
  | ($by_file[$root + "/" + $f]
     // error("clang-thread-safety: \($f) is not in compile_commands.json; rerun `make build`"))
  | (.arguments // (.command | [splits(" +")] | map(select(. != "")))) as $argv
  | [$argv[1:]
     | foreach .[] as $a ({skip: false};
         if .skip then {skip: false, out: null}
         elif $a == "-o" then {skip: true, out: null}
         elif $a == "-c" then {skip: false, out: null}
         elif ($a | test("^-W|^-w$|^-fno-semantic-interposition$|^-fconcepts$|^-fno-gnu-unique$"))
           then {skip: false, out: null}
         else {skip: false, out: $a} end;
         .out)
     | select(. != null)] as $flags
  | "cd \(.directory | @sh) && \($cxx | @sh) -fsyntax-only -Wthread-safety"
    + " -Werror=thread-safety \($flags | map(gsub("\\\\\""; "\"")) | map(@sh) | join(" "))"')

start=$(date +%s)
status=0
out=$(printf '%s\0' "$commands" | tr '\n' '\0' \
  | xargs -0 -P "$(nproc)" -n 1 bash -c 'eval "$1" 2>&1' _) || status=$?
elapsed=$(( $(date +%s) - start ))

if [ -n "$out" ]; then
  printf '%s\n' "$out"
  warnings=$(grep -c -E '(warning|error):' <<<"$out" || true)
  echo "clang-thread-safety: ${#files[@]} files, $warnings findings (${elapsed}s)"
  exit 1
fi
if [ "$status" != 0 ]; then
  echo "clang-thread-safety: clang failed (exit $status) (${elapsed}s)"
  exit 1
fi
echo "clang-thread-safety: ${#files[@]} files, no findings (${elapsed}s)"
