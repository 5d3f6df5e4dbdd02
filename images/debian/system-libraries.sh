#!/bin/sh
# system-libraries.sh PACKAGE-SPEC-FILE: prints `<package> <library path>` for every shared
# library (lib*.so.N) that the installed packages of the spec file ship, sorted.
set -eu
sed 's/#.*//; s/![^ \t]*//g' "$1" | tr '|' '\n' | tr -d '?' | tr -s ' \t' '\n' | grep -v '^$' | sort -u |
while read -r pkg; do
  dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q 'install ok installed' || continue
  dpkg -L "$pkg" | grep -E '/lib[^/]*\.so\.[0-9]+$' | while read -r lib; do
    [ -e "$lib" ] && echo "$pkg $lib"
  done
done | sort -u
