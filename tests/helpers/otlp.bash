# The telemetry tests' OTLP collector (tests/helpers/otlp-sink.py). Load after common:
# `load helpers/otlp`.
#
#   otlp_start NAME [--hang]  start a sink in $BATS_FILE_TMPDIR/otlp-NAME; prints its URL
#                             (http://127.0.0.1:<port>). --hang: one that never answers.
#                             Skips when the app runs in a container that cannot reach this
#                             machine's loopback.
#   otlp_stop_all             stop every sink (teardown_file)
#   otlp_spans NAME [JQ]      the spans NAME received, one JSON object a line, filtered by
#                             the jq condition JQ (e.g. '.name == "hello"')
#   otlp_wait NAME SECS COUNT JQ
#                             wait until COUNT spans matching JQ arrived (status 1 after SECS
#                             seconds); prints them
#   otlp_points NAME [JQ]     the metric data points NAME received (otlp-sink.py's form),
#                             filtered by JQ (e.g. '.name == "pyfn_invocations_total"')
#   otlp_wait_point NAME SECS JQ
#                             wait until a data point matching JQ arrived (status 1 after
#                             SECS seconds); prints the last one
#   otlp_closed_port          print a local port nothing listens on

otlp_start() {
  local name="$1" d
  shift
  d="$BATS_FILE_TMPDIR/otlp-$name"
  start_loopback_sink otlp-sink.py "$d" "$@" || return 1
  printf 'http://127.0.0.1:%s\n' "$(cat "$d/port")"
}

otlp_stop_all() {
  local p
  for p in "$BATS_FILE_TMPDIR"/otlp-*/pid; do
    [ -s "$p" ] && kill "$(cat "$p")" 2>/dev/null || true
  done
}

# _otlp_records NAME FILE [JQ]: the records of the sink's FILE matching JQ.
_otlp_records() {
  local f="$BATS_FILE_TMPDIR/otlp-$1/$2"
  [ -f "$f" ] || return 0
  jq -c "select(${3:-true})" "$f"
}

otlp_spans() { _otlp_records "$1" spans.jsonl "${2:-}"; }

otlp_points() { _otlp_records "$1" metrics.jsonl "${2:-}"; }

otlp_wait_point() {
  local name="$1" secs="$2" cond="$3" deadline
  deadline=$((SECONDS + secs))
  while :; do
    output=$(otlp_points "$name" "$cond" | tail -1)
    if [ -n "$output" ]; then
      printf '%s\n' "$output"
      return 0
    fi
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

otlp_wait() {
  local name="$1" secs="$2" count="$3" cond="$4" deadline
  deadline=$((SECONDS + secs))
  while :; do
    output=$(otlp_spans "$name" "$cond")
    if [ -n "$output" ] && [ "$(printf '%s\n' "$output" | wc -l)" -ge "$count" ]; then
      printf '%s\n' "$output"
      return 0
    fi
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

otlp_closed_port() { pyfn_free_port; }
