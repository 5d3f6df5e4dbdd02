#!/usr/bin/env bash
# Puts Debian's Python packages of a given release into a function app's
# .python_packages/lib/site-packages, at test time (isolation apps, spec P2). Nothing fetched
# here is committed: the apps are copied to a temporary folder first (pyfn_copy_app).
#
#   fetch-debian-python.sh [-r RELEASE] [-l] [-d] APP_DIR PKG...
#     -r RELEASE   Debian release to take the packages from (default: this machine's)
#     -l           also copy the shared libraries the packages need (their lib* Depends and
#                  those libraries' own, minus
#                  the ones every image has: libc6, libgcc-s1, libstdc++6, libssl, zlib1g,
#                  libpython) into APP_DIR/.python_packages/lib/native/, for an image that lacks
#                  them; the app preloads them with ctypes before importing
#     -d           also fetch the packages' python3-* Depends (one level), e.g. python3-six
#   Writes APP_DIR/.python_packages/FETCHED: one "package version release" line per package.
#
# Uses a private apt configuration (state and cache under out/cache/debian/<release>), so the
# machine's apt setup is neither read for sources nor changed. Mirror: the machine's Debian
# mirror (first URIs of /etc/apt/sources.list.d/debian.sources), else deb.debian.org.
set -euo pipefail

release="" with_libs=0 with_deps=0
while getopts "r:ld" opt; do
  case "$opt" in
    r) release=$OPTARG ;;
    l) with_libs=1 ;;
    d) with_deps=1 ;;
    *) sed -n '2,15p' "$0"; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -ge 2 ] || { sed -n '2,15p' "$0"; exit 2; }
app=$1; shift
[ -n "$release" ] || release=$(. /etc/os-release && echo "$VERSION_CODENAME")

root_dir="$(cd "$(dirname "$0")/../.." && pwd)"
cache="${PYFN_CACHE:-$root_dir/out/cache}/debian/$release"
mkdir -p "$cache"/{etc/sources.list.d,etc/preferences.d,etc/apt.conf.d,etc/trusted.gpg.d,state/lists/partial,cache/archives/partial,debs}
touch "$cache/state/status"

mirror=$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | grep -v security | head -1 || true)
[ -n "$mirror" ] || mirror=$(awk '$1=="deb" && $0 !~ /security/ {for(i=2;i<=NF;i++) if ($i ~ /^http/) {print $i; exit}}' /etc/apt/sources.list 2>/dev/null || true)
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
{
  echo "deb [signed-by=$keyring] $mirror $release main"
  case "$release" in
    bullseye|bookworm|trixie) echo "deb [signed-by=$keyring] $mirror $release-updates main" ;;
  esac
} >"$cache/etc/sources.list"

apt_opts=(
  -o "Dir::Etc=$cache/etc" -o "Dir::Etc::sourcelist=$cache/etc/sources.list"
  -o "Dir::Etc::sourceparts=$cache/etc/sources.list.d" -o "Dir::State=$cache/state"
  -o "Dir::State::status=$cache/state/status" -o "Dir::Cache=$cache/cache"
  -o "Debug::NoLocking=1" -o "Acquire::Languages=none" -o "APT::Get::AllowUnauthenticated=0"
  -o "Acquire::Retries=3" -o "APT::Sandbox::User=root"
)

# Refresh the package lists at most once a day.
stamp="$cache/state/updated"
if [ ! -e "$stamp" ] || [ -n "$(find "$stamp" -mmin +1440 2>/dev/null)" ]; then
  apt-get "${apt_opts[@]}" -qq update >&2
  touch "$stamp"
fi

# depends_of PKG: direct Depends of PKG's candidate version (names only; a virtual
# package, e.g. trixie's libre2-11-absl20240722, is replaced by its first provider).
depends_of() {
  apt-cache "${apt_opts[@]}" depends --no-recommends --no-suggests --no-enhances \
    --no-conflicts --no-breaks --no-replaces "$1" 2>/dev/null |
    awk '/^ *\|?Depends: / { virtual = ($2 ~ /^</); if (!virtual) print $2; next }
         virtual && /^    [^ ]/ { print $1; virtual = 0 }' | sed 's/:any$//' | sort -u
}

# fetch PKG: print the path of PKG's .deb (candidate version), downloading it once.
fetch() {
  local pkg=$1 ver file
  ver=$(apt-cache "${apt_opts[@]}" policy "$pkg" | sed -n 's/^ *Candidate: *//p')
  [ -n "$ver" ] && [ "$ver" != "(none)" ] || { echo "fetch-debian-python: $pkg not in $release" >&2; return 1; }
  file=$(ls "$cache/debs/${pkg}_${ver//:/%3a}_"*.deb 2>/dev/null | head -1 || true)
  if [ -z "$file" ]; then
    (cd "$cache/debs" && apt-get "${apt_opts[@]}" -qq download "$pkg=$ver" >&2)
    file=$(ls "$cache/debs/${pkg}_${ver//:/%3a}_"*.deb | head -1)
  fi
  printf '%s\n' "$file"
}

# python3-* Depends one level deep; lib* Depends all the way down (the slim images carry
# no gRPC, re2 or abseil libraries of their own: the host links them statically).
pkgs=("$@")
libs=()
queue=("$@")
declare -A seen=()
while [ ${#queue[@]} -gt 0 ]; do
  p=${queue[0]}; queue=("${queue[@]:1}")
  [ "$with_deps" = 1 ] || [ "$with_libs" = 1 ] || break
  for d in $(depends_of "$p"); do
    [ -z "${seen[$d]:-}" ] || continue
    seen[$d]=1
    case "$d" in
      python3|python3-minimal|libpython*|libc6|libgcc-s1|libstdc++6|libssl*|zlib1g) ;;
      python3-*) if [ "$with_deps" = 1 ] && [[ " $* " == *" $p "* ]]; then pkgs+=("$d"); fi ;;
      lib*) if [ "$with_libs" = 1 ]; then libs+=("$d"); queue+=("$d"); fi ;;
    esac
  done
done

site="$app/.python_packages/lib/site-packages"
native="$app/.python_packages/lib/native"
mkdir -p "$site"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for p in $(printf '%s\n' "${pkgs[@]}" | sort -u); do
  deb=$(fetch "$p")
  rm -rf "$tmp/x"; dpkg-deb -x "$deb" "$tmp/x"
  if [ -d "$tmp/x/usr/lib/python3/dist-packages" ]; then
    cp -a "$tmp/x/usr/lib/python3/dist-packages/." "$site/"
  fi
  echo "$p $(dpkg-deb -f "$deb" Version) $release" >>"$app/.python_packages/FETCHED"
done

for l in $(printf '%s\n' "${libs[@]}" | sort -u); do
  deb=$(fetch "$l")
  rm -rf "$tmp/x"; dpkg-deb -x "$deb" "$tmp/x"
  mkdir -p "$native"
  find "$tmp/x" -name '*.so.*' \( -type f -o -type l \) -exec cp -a {} "$native/" \;
  echo "$l $(dpkg-deb -f "$deb" Version) $release" >>"$app/.python_packages/FETCHED"
done
