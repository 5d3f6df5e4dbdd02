#!/usr/bin/env bash
# check-behaviour-rows.sh: every behaviour row the tree cites (L8, B5-B7, R6, ...) must have an
# entry in docs/behaviour.md (a heading `### <id>`). Prints each missing id with one place that
# cites it and exits 1; exits 0 when all are documented. `-v` also lists every citation found.
#
# A bare token such as `B3` or `P1` also occurs in hex strings (%C3%B3), base64, lease ids
# ("L1") and sizes, so only the forms of citation the tree uses are matched (ID is a row id,
# LIST is ids joined by `, `, `/`, ` + `, ` and ` or a range `-`):
#   spec LIST, Spec rows LIST, rows LIST, rule LIST      comments, READMEs, docstrings
#   LIST: text (after a line start, space, quote, #, ( or -)  @test names, docstrings, comments
#   (LIST) (LIST, ...) (LIST: ...)                        parenthesised in prose
#   | LIST |  | LIST keys |                               tables (tests/README.md)
#   ID (   ID's   ID `name`                               prose and app READMEs
#   "ID text" / 'ID text' / "ID "                         fixed answers of the loading apps
#   -f 'ID'                                               bats filters in docs
#   TEST(Suite, NameID)                                   GoogleTest names ending in an id
# A citation in another form is not seen: prefer one of the above when adding one.
set -euo pipefail
cd "$(dirname "$0")/.."

doc=docs/behaviour.md
self=scripts/check-behaviour-rows.sh
verbose=0
[ "${1:-}" = -v ] && verbose=1

fam='[LBRPI]'                      # row families; add a letter here for a new family
id="${fam}[1-9][0-9]?"
list="${id}((, | and |, and |/| \\+ |-)${id})*"
contexts=(
  "([Ss]pec|[Rr]ows?|[Rr]ule)( rows?)? ${list}"
  "(^|[[:space:]\"'#(-])${list}:( |\$)"
  "\\(${list}[),:]"
  "^\\| ${list}( keys)? \\|"
  "(^|[[:space:]])${id}( \\(|'s| \`)"
  "[\"']${id} [A-Za-z%\"']"
  "-f [\"']${id}[\"']"
  "TEST(_F|_P)?\\([A-Za-z_]+, [A-Za-z_]*[a-z]${id}\\)"
)

# Files: tracked and new (not ignored) text files, minus this page and this script.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  list_files() { git ls-files -z --cached --others --exclude-standard; }
else
  list_files() { find . \( -name .git -o -name node_modules -o -name out \) -prune -o -type f -print0; }
fi

pattern=$(IFS='|'; echo "${contexts[*]}")
# path:line:matched-context, one per citation
hits=$(list_files | grep -zv -e '^node_modules/' -e '^out/' -e "^\\(\\./\\)\\?${doc}\$" -e "^\\(\\./\\)\\?${self}\$" |
  xargs -0 -r grep -IHnoE -- "$pattern" 2>/dev/null || true)

declare -A where=()
while IFS= read -r hit; do
  [ -n "$hit" ] || continue
  text=${hit#*:*:}
  loc=${hit%":$text"}
  # ids and ranges inside the matched context (its own words hold no id)
  rest=${text#TEST*, }
  while [[ $rest =~ (${fam})([1-9][0-9]?)(-(${fam})([1-9][0-9]?))? ]]; do
    rest=${rest#*"${BASH_REMATCH[0]}"}
    from=${BASH_REMATCH[2]} to=${BASH_REMATCH[5]:-${BASH_REMATCH[2]}}
    [ -z "${BASH_REMATCH[4]}" ] || [ "${BASH_REMATCH[4]}" = "${BASH_REMATCH[1]}" ] || to=$from
    for ((n = from; n <= to; n++)); do : "${where[${BASH_REMATCH[1]}$n]:=$loc}"; done
  done
  [ $verbose = 0 ] || echo "$loc: $text"
done <<<"$hits"

missing=0
for row in $(printf '%s\n' "${!where[@]}" | sort -V); do
  if ! grep -qE "^#{2,4} ${row}\$" "$doc"; then
    echo "check-behaviour-rows: $row is cited (${where[$row]}) but has no entry in $doc" >&2
    missing=1
  fi
done
[ $verbose = 0 ] || echo "cited: $(printf '%s\n' "${!where[@]}" | sort -V | tr '\n' ' ')"
exit $missing
