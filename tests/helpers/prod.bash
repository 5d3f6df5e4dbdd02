# Helpers for the production-host tests (tests/prod-*.bats). Load after common:
#   load helpers/common
#   load helpers/prod
#
#   prod_raw [-n NAME] [-t SECS] [-d DELAY] [-c CHUNK]
#       Sends stdin, byte for byte, to instance NAME's port over a raw TCP socket (python3),
#       CHUNK bytes at a time with DELAY seconds between chunks (default: all at once), then
#       reads until the server closes or SECS (default 10) pass. Prints the status lines of
#       every response ("HTTP/1.1 200 OK"), then "CLOSED" if the server closed the
#       connection, or "OPEN" if it was still open at the deadline; and "RESET" when the
#       connection was reset. Never fails on what the server does.
#   prod_status_codes     print only the status codes of prod_raw's output, space separated
#   prod_secret_file FILE print a file of the secrets directory ($PROD_SECRETS), native or
#                         in the container
#   prod_key_json JQ      jq -r JQ on the secrets file host.json
#   prod_with_key KEY METHOD PATH [CURL_ARGS...]
#                         http_request with x-functions-key: KEY
#   prod_rss PID          print the resident set size of PID in KiB

prod_raw() {
  local name=app secs=10 delay=0 chunk=0 OPTIND opt
  while getopts "n:t:d:c:" opt; do
    case "$opt" in
      n) name=$OPTARG ;;
      t) secs=$OPTARG ;;
      d) delay=$OPTARG ;;
      c) chunk=$OPTARG ;;
      *) return 2 ;;
    esac
  done
  /usr/bin/python3 -c "$_PROD_RAW_PY" "$(_pyfn_state "$name" port)" "$secs" "$delay" "$chunk"
}

# The client behind prod_raw (stdin is the request, so the script comes with -c).
_PROD_RAW_PY=$(cat <<'PY'
import re, select, socket, sys, time
port, secs, delay, chunk = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
data = sys.stdin.buffer.read()
s = socket.create_connection(("127.0.0.1", port), timeout=5)
deadline = time.time() + secs
got, state = b"", "OPEN"
try:
    if chunk <= 0:
        s.sendall(data)
    else:
        for i in range(0, len(data), chunk):
            try:
                s.sendall(data[i:i + chunk])
            except (ConnectionResetError, BrokenPipeError):
                break
            # Stop sending once the server answered (or closed).
            if select.select([s], [], [], delay)[0] or time.time() > deadline:
                break
    while time.time() < deadline:
        s.settimeout(max(0.05, deadline - time.time()))
        try:
            b = s.recv(65536)
        except socket.timeout:
            break
        if not b:
            state = "CLOSED"
            break
        got += b
except (ConnectionResetError, BrokenPipeError):
    state = "RESET"
for m in re.finditer(rb"HTTP/1\.[01] \d{3}[^\r\n]*", got):
    print(m.group(0).decode("latin-1"))
print(state)
PY
)

prod_status_codes() {
  printf '%s\n' "$1" | sed -n 's/^HTTP\/1\.[01] \([0-9][0-9][0-9]\).*/\1/p' | tr '\n' ' ' | sed 's/ $//'
}

prod_secret_file() {
  if [ "$PYFN_TARGET" = native ]; then
    cat "$PROD_SECRETS/$1"
  else
    pyfn_exec cat "$PROD_SECRETS/$1"
  fi
}

prod_key_json() {
  prod_secret_file host.json | jq -r "$1"
}

prod_with_key() {
  local key="$1"; shift
  local method="$1" path="$2"; shift 2
  http_request "$method" "$path" -H "x-functions-key: $key" "$@"
}

prod_rss() {
  awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null
}
