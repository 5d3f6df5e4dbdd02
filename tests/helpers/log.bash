# The host log: read it, wait for a line, assert on it. Sourced by common.bash.
# Log lines the host prints are listed in docs/internals.md ("Host log lines").
# The log is written asynchronously (worker RpcLog arrives after the HTTP answer may have
# gone out), so the asserts wait for a while before failing.
#
#   pyfn_log [NAME]                          print the whole log of an instance
#   pyfn_wait_log [-n NAME] [-t SECS] ERE    wait until a line matches (status 1 on timeout)
#   assert_log [-n NAME] [-t SECS] ERE       the same, failing the test with the log's tail
#   refute_log [-n NAME] [-t SECS] ERE       fail if a line matches (after SECS, default 1)
#   pyfn_log_count [-n NAME] ERE             print how many lines match
#   pyfn_invocation_id [-n NAME] FUNCTION    print the Id of the last `Executing 'Functions.F'`
#   pyfn_log_after [-n NAME] ERE [LINES]     print the first line matching ERE and the LINES
#                                            (default 15) after it: a message with its traceback

pyfn_log() {
  local name="${1:-app}" state
  state=$(_pyfn_state "$name")
  if [ "$(_pyfn_state "$name" kind)" = container ]; then
    pyfn_engine logs "$(_pyfn_state "$name" container)" 2>&1
  else
    cat "$state/host.log" 2>/dev/null
  fi
}

_pyfn_log_opts() {  # sets name, secs; leaves the pattern in $1 of the caller via REPLY
  name=app
  OPTIND=1
  local opt
  while getopts "n:t:" opt; do
    case "$opt" in
      n) name=$OPTARG ;;
      t) secs=$OPTARG ;;
      *) return 2 ;;
    esac
  done
  REPLY_SHIFT=$((OPTIND - 1))
}

pyfn_wait_log() {
  local name secs=10 REPLY_SHIFT
  _pyfn_log_opts "$@" || return 2
  shift "$REPLY_SHIFT"
  local re="$1" deadline
  deadline=$((SECONDS + secs))
  while :; do
    pyfn_log "$name" | grep -Eq -- "$re" && return 0
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

assert_log() {
  local name secs=10 REPLY_SHIFT
  _pyfn_log_opts "$@" || return 2
  shift "$REPLY_SHIFT"
  if ! pyfn_wait_log -n "$name" -t "$secs" "$1"; then
    {
      echo "-- the log of '$name' has no line matching --"
      echo "regex : $1"
      echo "--"
      pyfn_dump_log "$name" 80
    } | fail
  fi
}

refute_log() {
  local name secs=1 REPLY_SHIFT
  _pyfn_log_opts "$@" || return 2
  shift "$REPLY_SHIFT"
  sleep "$secs"
  local hits
  hits=$(pyfn_log "$name" | grep -E -- "$1" || true)
  if [ -n "$hits" ]; then
    {
      echo "-- the log of '$name' has lines matching, expected none --"
      echo "regex : $1"
      echo "lines :"
      printf '%s\n' "$hits" | head -20
      echo "--"
    } | fail
  fi
}

pyfn_log_count() {
  local name secs REPLY_SHIFT
  _pyfn_log_opts "$@" || return 2
  shift "$REPLY_SHIFT"
  pyfn_log "$name" | grep -Ec -- "$1" || true
}

pyfn_invocation_id() {
  local name secs REPLY_SHIFT
  _pyfn_log_opts "$@" || return 2
  shift "$REPLY_SHIFT"
  pyfn_log "$name" | sed -n "s/.*Executing 'Functions\.$1' (Reason=.*Id=\([0-9a-fA-F-]*\)).*/\1/p" | tail -1
}

pyfn_log_after() {
  local name secs REPLY_SHIFT
  _pyfn_log_opts "$@" || return 2
  shift "$REPLY_SHIFT"
  pyfn_log "$name" | grep -E -A "${2:-15}" -m 1 -- "$1" || true
}
