#!/bin/sh
# apt-install.sh SPEC...: apt-get install, the way every RUN of images/debian/Dockerfile does it.
# SPEC is a package name, `a|b|c` (the first one this release has: names differ across
# releases, e.g. libasound2t64|libasound2 after trixie's 64-bit time_t transition),
# `?name` (skip if this release lacks it), or `name!dep` (skip, saying so, where name
# depends on dep: for a package that drags something heavy in some releases only).
# Lines of a file can be passed with `-f FILE` (text after `#` is a comment). Installs without recommends, then leaves no apt lists,
# caches or logs behind (they would make the layer bigger and not reproducible).
# `apt-install.sh --clean` only does the cleaning (after other apt-get or dpkg work);
# `apt-install.sh --finish START STEP` cleans and clamps mtimes: the last command of a
# RUN that began with START=$(date +%s).
set -eu
export DEBIAN_FRONTEND=noninteractive
# Python packages' postinst byte-compiles them (py3compile); a .pyc can hold frozenset
# constants in string-hash order, random per process unless the hash seed is fixed (only
# while building: the image itself keeps Python's random seed). Not enough on Python 3.9:
# some stdlib .pyc still differ between builds there (images/README.md, Reproducible).
export PYTHONHASHSEED=0

clean() {
  # The builder keeps downloaded packages for its apt cache mount (keep-cache).
  [ -e /etc/apt/apt.conf.d/keep-cache ] || apt-get clean
  rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin \
         /var/log/apt/* /var/log/dpkg.log /var/log/alternatives.log /var/log/bootstrap.log \
         /var/cache/debconf/*-old /var/lib/dpkg/*-old \
         /var/cache/ldconfig/aux-cache \
         /var/cache/fontconfig/* \
         /var/lib/dbus/machine-id \
         /usr/share/fonts/.uuid /usr/share/fonts/*/.uuid /usr/share/fonts/*/*/.uuid \
         /usr/local/share/fonts/.uuid \
         /root/.cache /tmp/* /var/tmp/*
}
# Files this RUN step created or changed get mtime = SOURCE_DATE_EPOCH, so the layer is
# the same whenever it is built (podman 4.3's --timestamp sets only the image times;
# BuildKit's rewrite-timestamp does the same as this). Changed = mtime not older than the
# step's start: files unpacked by dpkg keep their (deterministic) mtimes from the .deb,
# and files of lower layers are not touched (which would copy them into this layer).
# The mtime is SOURCE_DATE_EPOCH + STEP (a small number, distinct per RUN step): podman's
# vfs driver finds a layer's changes by comparing size and mtime, so a file rewritten at
# equal size in a later step must not get the same mtime it had in an earlier one.
clamp() {  # clamp START-EPOCH STEP
  [ -n "${SOURCE_DATE_EPOCH:-}" ] || return 0
  find / -xdev \( -path /proc -o -path /sys -o -path /dev -o -path /run -o -path /mnt \) -prune \
    -o -newermt "@$(( $1 - 1 ))" -print0 2>/dev/null |
    xargs -0r touch --no-dereference --date="@$(( SOURCE_DATE_EPOCH + ${2:-0} ))" 2>/dev/null || true
}
case "${1:-}" in
  --clean) clean; exit 0 ;;
  --finish) clean; clamp "$2" "${3:-0}"; exit 0 ;;
esac

specs=""
while [ $# -gt 0 ]; do
  if [ "$1" = -f ]; then
    specs="$specs $(sed 's/#.*//' "$2" | tr '\n' ' ')"; shift 2
  else
    specs="$specs $1"; shift
  fi
done

# DEBIAN_SNAPSHOT=20250520T000000Z (a build arg of every stage): point apt at
# snapshot.debian.org as of that time, once; the sources stay so in the image, which
# records where its packages came from.
if [ -n "${DEBIAN_SNAPSHOT:-}" ] && ! grep -rqs snapshot.debian.org /etc/apt/sources.list /etc/apt/sources.list.d/; then
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    sed -i -E \
      -e "s|https?://deb.debian.org/debian-security/?|http://snapshot.debian.org/archive/debian-security/${DEBIAN_SNAPSHOT}/|" \
      -e "s|https?://deb.debian.org/debian/?( \|$)|http://snapshot.debian.org/archive/debian/${DEBIAN_SNAPSHOT}/\\1|" \
      -e "s|^deb http|deb [check-valid-until=no] http|" "$f"
    case "$f" in *.sources) grep -q '^Check-Valid-Until' "$f" || sed -i '/^URIs:/a Check-Valid-Until: no' "$f" ;; esac
  done
fi

if [ ! -e /var/lib/apt/lists/lock ] || [ -z "$(find /var/lib/apt/lists/ -mindepth 1 -maxdepth 1 ! -name lock ! -name partial ! -name auxfiles 2>/dev/null)" ]; then
  apt-get update -qq
fi

exists() { apt-cache show --no-all-versions "$1" 2>/dev/null | grep -q '^Package:'; }
pkgs=""
for spec in $specs; do
  case "$spec" in
    \?*) name=${spec#?}; if exists "$name"; then pkgs="$pkgs $name"; else echo "apt-install: $name: not in this release, skipped"; fi ;;
    *!*) name=${spec%%!*}; dep=${spec#*!}
         if apt-cache depends --no-recommends "$name" 2>/dev/null | grep -q "Depends: $dep\$"; then
           echo "apt-install: $name: skipped, it depends on $dep in this release"
         else
           pkgs="$pkgs $name"
         fi ;;
    *\|*) chosen=""
          for alt in $(echo "$spec" | tr '|' ' '); do
            if exists "$alt"; then chosen=$alt; break; fi
          done
          [ -n "$chosen" ] || { echo "apt-install: none of $spec exists in this release" >&2; exit 1; }
          pkgs="$pkgs $chosen" ;;
    *) pkgs="$pkgs $spec" ;;
  esac
done

# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $pkgs >/dev/null
clean
