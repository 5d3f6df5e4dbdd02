# Debian packages fetched at test time into an app (isolation apps, spec P2). Sourced by
# common.bash; the work is done by fetch-debian-python.sh beside this file.
#
#   pyfn_other_release         print a Debian release whose python3-protobuf differs from the
#                              cell's: bullseye (3.12) for every cell, bookworm (3.21) for bullseye
#   pyfn_add_debian_python [-r RELEASE] [-l] [-d] APP_DIR PKG...
#                              run fetch-debian-python.sh (see its header); fails the caller
#                              with the script's output if the archive cannot be reached

pyfn_other_release() {
  if [ "$PYFN_DEBIAN_RELEASE" = bullseye ]; then echo bookworm; else echo bullseye; fi
}

pyfn_add_debian_python() {
  local out
  if ! out=$("$PYFN_ROOT/tests/helpers/fetch-debian-python.sh" "$@" 2>&1); then
    echo "fetching Debian packages failed: $*" >&2
    printf '%s\n' "$out" >&2
    return 1
  fi
}
