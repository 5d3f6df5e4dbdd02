# The Event Grid tests' sink: a local stand-in for an Event Grid topic that records every
# request (tests/helpers/eventgrid-sink.py). Load after common: `load helpers/eventgrid`.
#
#   sink_start             start it; exports SINK_DIR and SINK_URL (http://127.0.0.1:<port>).
#                          Skips the file's tests when the app runs in a container that
#                          cannot reach this machine's loopback (needs host networking).
#   sink_stop              stop it (teardown_file)
#   sink_requests [PATH_PREFIX]
#                          print the recorded requests (one JSON object a line), only those
#                          whose path starts with PATH_PREFIX when given
#   sink_wait SECS COUNT PATH_PREFIX
#                          wait until COUNT requests to PATH_PREFIX arrived (status 1 after
#                          SECS seconds); prints them

sink_start() {
  export SINK_DIR="$BATS_FILE_TMPDIR/eventgrid-sink"
  start_loopback_sink eventgrid-sink.py "$SINK_DIR" || return 1
  SINK_URL="http://127.0.0.1:$(cat "$SINK_DIR/port")"
  export SINK_URL
}

sink_stop() {
  [ -n "${SINK_DIR:-}" ] && [ -s "$SINK_DIR/pid" ] || return 0
  kill "$(cat "$SINK_DIR/pid")" 2>/dev/null || true
}

sink_requests() {
  local prefix="${1:-}"
  [ -f "$SINK_DIR/requests.jsonl" ] || return 0
  jq -c --arg p "$prefix" 'select(.path | startswith($p))' "$SINK_DIR/requests.jsonl"
}

sink_wait() {
  local secs="$1" count="$2" prefix="$3" deadline
  deadline=$((SECONDS + secs))
  while :; do
    output=$(sink_requests "$prefix")
    if [ -n "$output" ] && [ "$(printf '%s\n' "$output" | wc -l)" -ge "$count" ]; then
      printf '%s\n' "$output"
      return 0
    fi
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}
