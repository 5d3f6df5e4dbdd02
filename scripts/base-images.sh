#!/usr/bin/env bash
# Makes sure the base images `docker.io/library/debian:<release>-slim` exist locally.
#   scripts/base-images.sh [--force] [--arch arm64] RELEASE...     e.g. bookworm trixie
# --arch arm64: the arm64 base instead, under Docker Hub's arm64-only name
# `docker.io/arm64v8/debian:<release>-slim` (podman keeps one image per name); made with
# mmdebstrap under qemu-user-static emulation (scripts/binfmt.sh).
#   scripts/base-images.sh --builder-for arm64 RELEASE...
# the builder base of podman's arm64 builds: this machine's debian:<release>-slim copied
# as `localhost/pyfn/debian-<native>-for-arm64:<release>-slim`, labelled linux/arm64.
# Podman 4.3 ignores `FROM --platform=$BUILDPLATFORM` and looks every FROM up for the
# build's platform; under that label the builder stage still holds native binaries, which
# run natively and cross-compile (images/README.md, arm64).
# For each release: keep an image already present; else pull it from Docker Hub; else
# (no registry, as on the project machines) create it offline from the Debian archive
# with mmdebstrap and import it under the Docker Hub name, so that the Dockerfile's
# `FROM debian:<release>-slim` resolves the same way here and on a Docker Hub machine.
#
# The offline image imitates Docker's debian:*-slim (debuerreotype): minbase variant,
# docs/man/locales excluded by dpkg path-exclude rules (kept in the image so later
# apt-get installs stay slim), no apt lists. Knobs (environment):
#   SOURCE_DATE_EPOCH   timestamps in the tarball (default: last commit time); mmdebstrap
#                       then makes a bit-identical tarball from the same package set
#   DEBIAN_SNAPSHOT     e.g. 20250520T000000Z: use snapshot.debian.org at that time
#   DEBIAN_MIRROR       default http://deb.debian.org/debian
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
engine="$here/engine.sh"

force=0 arch="" builder_for=""
while [ $# -gt 0 ]; do
  case "$1" in
    --force) force=1; shift ;;
    --arch) arch=$2; shift 2 ;;
    --builder-for) builder_for=$2; shift 2 ;;
    *) break ;;
  esac
done

if [ -n "$builder_for" ]; then
  native=$(dpkg --print-architecture)
  for r in "$@"; do
    image="localhost/pyfn/debian-$native-for-$builder_for:$r-slim"
    if [ "$force" = 0 ] && have "$image"; then echo "base-images: $image: present" >&2; continue; fi
    "$0" "$r"
    tar=$(mktemp --suffix=.tar)
    c=$("$engine" create "docker.io/library/debian:$r-slim")
    "$engine" export -o "$tar" "$c"
    "$engine" rm "$c" >/dev/null
    "$engine" import --arch "$builder_for" --change 'CMD ["bash"]' "$tar" "$image" >/dev/null
    rm -f "$tar"
    echo "base-images: $image: the $native base labelled linux/$builder_for (podman's builder stage)" >&2
  done
  exit 0
fi
[ "$arch" != "$(dpkg --print-architecture)" ] || arch=""
[ $# -gt 0 ] || { echo "usage: $0 [--force] RELEASE..." >&2; exit 2; }

export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$here/.." log -1 --format=%ct 2>/dev/null || echo 0)}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
security=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
if [ -n "${DEBIAN_SNAPSHOT:-}" ]; then
  mirror="http://snapshot.debian.org/archive/debian/$DEBIAN_SNAPSHOT"
  security="http://snapshot.debian.org/archive/debian-security/$DEBIAN_SNAPSHOT"
fi

have() { "$engine" image inspect "$1" >/dev/null 2>&1; }

sources_for() {  # sources_for RELEASE: one apt line per suite, like the Docker image
  local r=$1 opt=""
  [ -z "${DEBIAN_SNAPSHOT:-}" ] || opt="[check-valid-until=no] "
  echo "deb ${opt}$mirror $r main"
  case "$r" in
    forky|sid|unstable|testing) ;;  # no -updates/-security suites
    *) echo "deb ${opt}$mirror $r-updates main"
       echo "deb ${opt}$security $r-security main" ;;
  esac
}

make_base() {  # make_base RELEASE IMAGE
  local r=$1 image=$2 start=$SECONDS
  command -v mmdebstrap >/dev/null || { echo "base-images: mmdebstrap missing (make deps)" >&2; exit 1; }
  echo "base-images: $image: mmdebstrap $r (SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH)" >&2
  # A mirror that stopped syncing serves a Release past its Valid-Until (testing's lasts a
  # week); apt then refuses it. Only in that case the image's apt is told to accept it,
  # with a warning: the same option then holds in images built FROM it.
  local valid_until extra=()
  valid_until=$(curl -fsS --max-time 20 "$mirror/dists/$r/InRelease" 2>/dev/null | sed -n 's/^Valid-Until: //p' | head -1)
  if [ -n "$valid_until" ] && [ "$(date -d "$valid_until" +%s 2>/dev/null || echo 0)" -lt "$(date +%s)" ]; then
    echo "base-images: WARNING: $mirror $r expired ($valid_until); adding Acquire::Check-Valid-Until \"false\"" >&2
    extra=(--aptopt='Acquire::Check-Valid-Until "false"')
  fi
  local tar
  tar=$(mktemp --suffix=.tar)
  # shellcheck disable=SC2046
  # /usr layout as in Docker's images: merged from bookworm on, made by mmdebstrap's hook
  # (no usrmerge package, which would pull perl in); bullseye's images are not merged
  # (and its archive has no usr-is-merged package for the hooks to use).
  local hook=()
  [ "$r" = bullseye ] || hook=(--hook-dir=/usr/share/mmdebstrap/hooks/merged-usr)
  [ -z "$arch" ] || extra+=(--architectures="$arch")
  mmdebstrap --quiet --variant=minbase --mode=root --format=tar "${hook[@]}" "${extra[@]}" \
    --aptopt='Acquire::Languages "none"' \
    --aptopt='Acquire::GzipIndexes "true"' \
    --aptopt='APT::AutoRemove::SuggestsImportant "false"' \
    --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/groff/*' \
    --dpkgopt='path-exclude=/usr/share/info/*' \
    --dpkgopt='path-exclude=/usr/share/lintian/*' \
    --dpkgopt='path-exclude=/usr/share/linda/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --dpkgopt='path-include=/usr/share/locale/locale.alias' \
    --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin "$1"/var/log/apt/* "$1"/var/log/dpkg.log "$1"/var/log/alternatives.log "$1"/var/cache/ldconfig/aux-cache' \
    --customize-hook='rm -f "$1"/etc/machine-id "$1"/var/lib/dbus/machine-id; : > "$1"/etc/hostname' \
    "$r" "$tar" - < <(sources_for "$r")
  "$engine" import ${arch:+--arch "$arch"} --change 'CMD ["bash"]' "$tar" "$image" >/dev/null
  rm -f "$tar"
  echo "base-images: $image: created in $((SECONDS - start))s" >&2
}

for r in "$@"; do
  image="docker.io/library/debian:$r-slim"
  [ -z "$arch" ] || image="docker.io/${arch}v8/debian:$r-slim"
  if [ "$force" = 0 ] && have "$image"; then
    echo "base-images: $image: present" >&2
    continue
  fi
  if [ "$force" = 0 ] && timeout 60 "$engine" pull -q "$image" >/dev/null 2>&1; then
    echo "base-images: $image: pulled" >&2
    continue
  fi
  make_base "$r" "$image"
done
