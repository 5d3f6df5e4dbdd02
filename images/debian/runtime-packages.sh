#!/bin/sh
# runtime-packages.sh BINARY...: the Debian packages (name=version) that hold the shared
# libraries the binaries load, found with ldd and dpkg -S in the builder stage. The
# runtime stage installs exactly these, so the list is right for every release (gRPC
# 1.30 on bullseye and 1.51 on bookworm have different sonames and package names).
set -eu
owner() {  # owner PATH: package owning PATH, trying the /usr-merged aliases too
  for p in "$1" "/usr$1" "${1#/usr}" "$(readlink -f "$1")"; do
    # Not the "diversion by libc6 from: /lib64/ld-linux-x86-64.so.2" lines (trixie on).
    pkg=$(dpkg -S "$p" 2>/dev/null | grep -v '^diversion by ' | head -1 | cut -d: -f1) &&
      [ -n "$pkg" ] && { echo "$pkg"; return; }
  done
  echo "runtime-packages: no package owns $1" >&2
  return 1
}
for bin in "$@"; do
  ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'
done | sort -u | while read -r lib; do
  owner "$lib"
done | sort -u | while read -r pkg; do
  echo "$pkg=$(dpkg-query -W -f='${Version}' "$pkg")"
done
