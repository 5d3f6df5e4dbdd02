#!/usr/bin/env bash
# Runs buildx (`scripts/buildx.sh bake --print default`), whether or not Docker is here.
# Order: `docker buildx` if the plugin is installed; else a standalone docker-buildx
# binary on PATH; else the docker-buildx package of Debian trixie, unpacked (not
# installed) into $PYFN_TOOLS (default out/tools). The binary needs only libc, and
# `bake --print` needs no daemon, which is all the podman path uses it for.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tools=${PYFN_TOOLS:-$here/../out/tools}

if docker buildx version >/dev/null 2>&1; then
  exec docker buildx "$@"
fi
for b in docker-buildx /usr/libexec/docker/cli-plugins/docker-buildx "$tools/docker-buildx"; do
  if command -v "$b" >/dev/null 2>&1 && "$b" version >/dev/null 2>&1; then
    exec "$b" "$@"
  fi
done

# Fetch trixie's docker-buildx with a private apt configuration (no change to /etc).
mkdir -p "$tools"
apt_dir=$(mktemp -d)
trap 'rm -rf "$apt_dir"' EXIT
mkdir -p "$apt_dir"/{lists/partial,cache/archives/partial,etc/preferences.d}
cat > "$apt_dir/etc/sources.list" <<SRC
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${DEBIAN_MIRROR:-http://deb.debian.org/debian} trixie main
SRC
apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/etc/sources.list" -o "Dir::Etc::SourceParts=-"
          -o "Dir::Etc::Preferences=$apt_dir/etc/preferences" -o "Dir::Etc::PreferencesParts=$apt_dir/etc/preferences.d"
          -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache"
          -o "Dir::State::Status=/dev/null" -o "APT::Sandbox::User=root" -o "APT::Architecture=$(dpkg --print-architecture)")
echo "buildx.sh: fetching docker-buildx from Debian trixie into $tools" >&2
apt-get "${apt_opts[@]}" -qq update
(cd "$apt_dir" && apt-get "${apt_opts[@]}" -qq download docker-buildx)
dpkg-deb -x "$apt_dir"/docker-buildx_*.deb "$apt_dir/x"
install -m 0755 "$(find "$apt_dir/x" -path "*cli-plugins/docker-buildx" | head -1)" "$tools/docker-buildx"
"$tools/docker-buildx" version >&2
exec "$tools/docker-buildx" "$@"
