# HTTP helper around curl. Sourced by common.bash.
#
#   http_request [-n NAME] METHOD PATH [CURL_ARGS...]
#       Sends the request to instance NAME (default app). PATH is appended to the instance's
#       base URL (a full http:// URL is used as is). Never fails on an HTTP status; it fails
#       only if curl cannot talk to the server. Afterwards:
#         HTTP_STATUS   "200"
#         HTTP_BODY     the body (also in $output, so bats-assert's assert_output works on it)
#         HTTP_HEADERS  the response header block, CR stripped
#         HTTP_TIME     seconds the request took (curl's time_total)
#         HTTP_BODY_FILE  the body, byte for byte
#   http_body_hex                  print the last body as lowercase hex (no spaces)
#   assert_http_status CODE        the last response had status CODE (prints it all if not)
#   http_header NAME               print the value(s) of a response header, one per line
#   assert_http_header NAME ERE    one value of header NAME matches ERE
#   refute_http_header NAME        the last response has no header NAME
#   http_json EXPR                 jq -r EXPR on the last body

http_request() {
  local name=app
  if [ "${1:-}" = -n ]; then name=$2; shift 2; fi
  local method="$1" path="$2"; shift 2
  local url
  case "$path" in
    http://*|https://*) url=$path ;;
    *) url="$(pyfn_url "$name")$path" ;;
  esac
  local dir="$BATS_TEST_TMPDIR"
  [ -n "$dir" ] && [ -d "$dir" ] || dir="$BATS_FILE_TMPDIR"
  local bodyf="$dir/http.body" hdrf="$dir/http.headers" w
  : >"$bodyf"; : >"$hdrf"
  HTTP_REQUEST="$method $url"
  if ! w=$(curl -sS -X "$method" -o "$bodyf" -D "$hdrf" \
      --max-time "${PYFN_HTTP_TIMEOUT:-30}" -w '%{http_code} %{time_total}' "$@" "$url"); then
    HTTP_STATUS=000 HTTP_BODY="" HTTP_HEADERS="" HTTP_TIME=""
    output=""
    echo "http_request: curl failed: $HTTP_REQUEST" >&2
    pyfn_dump_log "$name" 40 >&2
    return 1
  fi
  HTTP_STATUS=${w%% *}
  # HTTP_TIME and output: for the calling test (bats reads $output).
  # shellcheck disable=SC2034
  HTTP_TIME=${w##* }
  HTTP_BODY=$(cat "$bodyf")
  HTTP_BODY_FILE=$bodyf
  HTTP_HEADERS=$(tr -d '\r' <"$hdrf")
  # shellcheck disable=SC2034
  output=$HTTP_BODY
  HTTP_INSTANCE=$name
}

assert_http_status() {
  if [ "$HTTP_STATUS" != "$1" ]; then
    {
      echo "-- unexpected HTTP status --"
      echo "request  : ${HTTP_REQUEST:-}"
      echo "expected : $1"
      echo "actual   : $HTTP_STATUS"
      echo "headers  :"; printf '%s\n' "$HTTP_HEADERS" | sed 's/^/  /'
      echo "body     :"; printf '%s\n' "$HTTP_BODY" | head -c 2000 | sed 's/^/  /'
      echo "--"
      pyfn_dump_log "${HTTP_INSTANCE:-app}" 40
    } | fail
  fi
}

http_header() {
  local want
  want=$(printf '%s' "$1" | tr '[:upper:]' '[:lower:]')
  # Only the last header block (curl -D writes one per response, e.g. after 100 Continue).
  printf '%s\n' "$HTTP_HEADERS" | awk -v want="$want" '
    /^HTTP\// { n = 0; delete vals; next }
    {
      i = index($0, ":"); if (i == 0) next
      k = tolower(substr($0, 1, i - 1)); v = substr($0, i + 1); sub(/^[ \t]+/, "", v)
      if (k == want) vals[n++] = v
    }
    END { for (j = 0; j < n; j++) print vals[j] }'
}

assert_http_header() {
  local values
  values=$(http_header "$1")
  if ! printf '%s\n' "$values" | grep -Eq -- "$2"; then
    {
      echo "-- response header does not match --"
      echo "request : ${HTTP_REQUEST:-}"
      echo "header  : $1"
      echo "regex   : $2"
      echo "headers :"; printf '%s\n' "$HTTP_HEADERS" | sed 's/^/  /'
      echo "--"
    } | fail
  fi
}

refute_http_header() {
  if [ -n "$(http_header "$1")" ]; then
    {
      echo "-- response has a header it should not have --"
      echo "header  : $1"
      echo "headers :"; printf '%s\n' "$HTTP_HEADERS" | sed 's/^/  /'
      echo "--"
    } | fail
  fi
}

http_json() {
  printf '%s' "$HTTP_BODY" | jq -r "$1"
}

http_body_hex() {
  od -An -v -tx1 "$HTTP_BODY_FILE" | tr -d ' \n'
}
