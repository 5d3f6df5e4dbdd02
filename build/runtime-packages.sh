#!/bin/sh
# runtime-packages.sh [--arch ARCH] BINARY...: the Debian packages (name=version) that
# hold the shared libraries the binaries load, found in the builder stage. The runtime
# stage installs exactly these, so the list is right for every release (gRPC 1.30 on
# bullseye and 1.51 on bookworm have different sonames and package names).
# Native binaries: ldd and dpkg -S. Cross-compiled ones (--arch arm64, the builder runs
# on another architecture and ldd cannot run them): the DT_NEEDED entries, followed
# through the libraries of ARCH's multiarch directories, and dpkg -S on ARCH's packages.
set -eu
arch=""
if [ "${1:-}" = --arch ]; then arch=$2; shift 2; fi
owner() {  # owner PATH: package owning PATH, trying the /usr-merged aliases too
  for p in "$1" "/usr$1" "${1#/usr}" "$(readlink -f "$1")"; do
    # Not the "diversion by libc6 from: /lib64/ld-linux-x86-64.so.2" lines (trixie on).
    pkg=$(dpkg -S "$p" 2>/dev/null | grep -v '^diversion by ' | head -1 | cut -d: -f1) &&
      [ -n "$pkg" ] && { echo "$pkg"; return; }
  done
  echo "runtime-packages: no package owns $1" >&2
  return 1
}
libraries() {  # the absolute paths of every shared library the binaries load
  if [ -z "$arch" ]; then
    for bin in "$@"; do
      ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'
    done
    return
  fi
  triplet=$(dpkg-architecture -a"$arch" -qDEB_HOST_MULTIARCH 2>/dev/null)
  todo="$*" seen=" "
  while [ -n "$todo" ]; do
    next=""
    for f in $todo; do
      for so in $("$triplet-objdump" -p "$f" | awk '$1 == "NEEDED" {print $2}'); do
        case "$seen" in *" $so "*) continue ;; esac
        seen="$seen$so "
        path=""
        for d in "/lib/$triplet" "/usr/lib/$triplet" /lib /usr/lib; do
          if [ -e "$d/$so" ]; then path="$d/$so"; break; fi
        done
        [ -n "$path" ] || { echo "runtime-packages: $so ($arch) not found" >&2; exit 1; }
        echo "$path"
        next="$next $path"
      done
    done
    todo=$next
  done
}
list=$(mktemp)
libraries "$@" > "$list"
sort -u "$list" | while read -r lib; do
  owner "$lib"
done | sort -u | while read -r pkg; do
  echo "$pkg=$(dpkg-query -W -f='${Version}' "$pkg${arch:+:$arch}")"
done
rm -f "$list"
