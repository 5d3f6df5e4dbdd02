# shellcheck shell=bash
# Sourced by the scripts that run a clang tool over the CMake build's compilation database
# (scripts/clang-thread-safety.sh, scripts/clang-tidy.sh); not run on its own.
#
# Contract:
#   clang_db_prepare NAME      checks that $BUILD_DIR/compile_commands.json (default
#                              out/build; `make build` writes it) exists, then writes the
#                              same database for clang to $BUILD_DIR/clang/
#                              compile_commands.json and sets clang_db to that directory.
#                              Each entry keeps the build's flags (includes, defines,
#                              -std) with the compiler swapped for $CLANGXX (default
#                              clang++), its output (-o, -c) dropped, and gcc's warning
#                              and gcc-only flags dropped: the tool decides what to warn
#                              about. NAME prefixes the error messages. Run from the
#                              repository's root.
#   clang_db_sources PATHSPEC...  the repository's C++ sources (*.cc) under PATHSPEC that
#                              the database compiles, one per line, relative to the root;
#                              generated files (the protobuf code lives in the build
#                              tree) and third-party code never match.
#   clang_db_compile ARG... FILE  runs the database's clang on FILE (as clang_db_sources
#                              names it) in the entry's directory, ARGs first, then the
#                              build's flags.
#   clang_db_parallel COMMAND...  runs `COMMAND FILE` for each file read from stdin (one per
#                              line), $(nproc) at a time; COMMAND may be a program or one of
#                              these functions. Each run's output is printed whole (never
#                              interleaved) when it fails, and the status is non-zero if
#                              any failed.

CLANG_DB_LIB=$(readlink -f "${BASH_SOURCE[0]}")
export CLANG_DB_LIB

clang_db_prepare() {
  local name=$1
  local build_dir=${BUILD_DIR:-out/build}
  local db=$build_dir/compile_commands.json
  local clangxx=${CLANGXX:-clang++}
  if [ ! -f "$db" ]; then
    echo "$name: $db is missing; run \`make build\` first" >&2
    return 1
  fi
  command -v "$clangxx" >/dev/null || { echo "$name: $clangxx not found" >&2; return 1; }
  clang_db=$PWD/$build_dir/clang
  export clang_db
  mkdir -p "$clang_db"
  # CMake writes "command" strings; an escaped quote in a define (-DX=\"1\") becomes a
  # plain one in the argument list.
  jq --arg cxx "$clangxx" '
    map(. as $e
      | ($e.arguments // ($e.command | [splits(" +")] | map(select(. != "")))) as $argv
      | [$argv[1:]
         | foreach .[] as $a ({skip: false};
             if .skip then {skip: false, out: null}
             elif $a == "-o" then {skip: true, out: null}
             elif $a == "-c" then {skip: false, out: null}
             elif ($a | test("^-W|^-w$|^-fno-semantic-interposition$|^-fconcepts$|^-fno-gnu-unique$"))
               then {skip: false, out: null}
             else {skip: false, out: $a} end;
             .out)
         | select(. != null) | gsub("\\\\\""; "\"")] as $flags
      | {directory: $e.directory, file: $e.file, arguments: ([$cxx] + $flags)})' \
    "$db" >"$clang_db/compile_commands.json.new"
  mv "$clang_db/compile_commands.json.new" "$clang_db/compile_commands.json"
}

clang_db_sources() {
  local root=$PWD
  comm -12 <(git ls-files -- "$@" | grep -E '\.cc$' | sort) \
    <(jq -r --arg root "$root/" '.[].file | select(startswith($root)) | ltrimstr($root)' \
        "$clang_db/compile_commands.json" | sort -u)
}

clang_db_compile() {
  local file=${*: -1}
  set -- "${@:1:$#-1}"
  local dir
  local -a argv
  dir=$(jq -r --arg f "$PWD/$file" 'map(select(.file == $f))[0].directory // empty' \
    "$clang_db/compile_commands.json")
  if [ -z "$dir" ]; then
    echo "$file is not in compile_commands.json; rerun \`make build\`" >&2
    return 1
  fi
  mapfile -t argv < <(jq -r --arg f "$PWD/$file" 'map(select(.file == $f))[0].arguments[]' \
    "$clang_db/compile_commands.json")
  (cd "$dir" && "${argv[0]}" "$@" "${argv[@]:1}")
}

clang_db_parallel() {
  # shellcheck disable=SC2016  # $0, $@ and $out belong to the inner shell
  xargs -d '\n' -P "$(nproc)" -n 1 bash -c \
    '. "$CLANG_DB_LIB"; out=$("$0" "$@" 2>&1) || { printf "%s\n" "$out"; exit 1; }' "$@"
}
