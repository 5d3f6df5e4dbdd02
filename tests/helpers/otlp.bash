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
#   span_of NAME SPAN_ID      the span SPAN_ID the sink NAME received (waits up to 10 s) in
#                             $output; fails the test with the last spans and log lines if none
#   otlp_assert_continued NAME TRACE_ID PATH
#                             GET PATH of the app, a function answering its context's {"traceparent",
#                             "tracestate"} as JSON, with a caller's traceparent and
#                             tracestate: the worker got the caller's trace and tracestate,
#                             and sink NAME received the invocation span under a SERVER span
#                             whose parent is the caller's span
#   otlp_assert_http_trace NAME FUNCTION PATH USER_AGENT
#                             after an http_request (PATH, User-Agent USER_AGENT) to a function
#                             answering its context's {"traceparent", "invocation_id"}: sink NAME
#                             received FUNCTION's successful invocation span (INVOCATION_SPAN)
#                             as the child of a root SERVER span (SERVER_SPAN) of the same trace,
#                             with status 200, the path and user agent, covering the invocation

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

span_of() {
  otlp_wait "$1" 10 1 ".span_id == \"$2\"" >/dev/null ||
    fail "no span $2 in sink $1; spans: $(otlp_spans "$1" | tail -5); $(pyfn_log | tail -20)"
  output=$(otlp_spans "$1" ".span_id == \"$2\"" | head -1)
}

otlp_assert_continued() {
  local sink="$1" trace="$2" caller=00f067aa0ba902b7 tp span
  http_request GET "$3" -H "traceparent: 00-$trace-$caller-01" -H 'tracestate: vendor=v1'
  assert_http_status 200
  tp=$(http_json .traceparent)
  [[ "$tp" =~ ^00-$trace-([0-9a-f]{16})-01$ ]] || fail "traceparent: $tp"
  span=${BASH_REMATCH[1]}
  [ "$span" != "$caller" ]
  [ "$(http_json .tracestate)" = vendor=v1 ]
  span_of "$sink" "$span"
  span_of "$sink" "$(jq -r .parent_span_id <<<"$output")"
  [ "$(jq -r .kind <<<"$output")" = 2 ]
  [ "$(jq -r .parent_span_id <<<"$output")" = "$caller" ]
  [ "$(jq -r .trace_id <<<"$output")" = "$trace" ]
}

otlp_assert_http_trace() {
  local sink="$1" function="$2" path="$3" agent="$4" tp inv trace s srv
  tp=$(http_json .traceparent)
  inv=$(http_json .invocation_id)
  [[ "$tp" =~ ^00-([0-9a-f]{32})-([0-9a-f]{16})-01$ ]] || fail "traceparent: $tp"
  trace=${BASH_REMATCH[1]}
  span_of "$sink" "${BASH_REMATCH[2]}"
  s="$output"
  [ "$(jq -r .name <<<"$s")" = "$function" ]
  [ "$(jq -r .trace_id <<<"$s")" = "$trace" ]
  [ "$(jq -r .kind <<<"$s")" = 1 ]
  [ "$(jq -r '.attributes["faas.trigger"]' <<<"$s")" = http ]
  [ "$(jq -r '.attributes["faas.name"]' <<<"$s")" = "$function" ]
  [ "$(jq -r '.attributes["faas.invocation_id"]' <<<"$s")" = "$inv" ]
  [ "$(jq -r '.attributes["pyfn.outcome"]' <<<"$s")" = success ]
  [ "$(jq -r .status <<<"$s")" = 1 ]
  span_of "$sink" "$(jq -r .parent_span_id <<<"$s")"
  srv="$output"
  [ "$(jq -r .kind <<<"$srv")" = 2 ] || fail "server span: $srv"
  [ "$(jq -r .name <<<"$srv")" = GET ]
  [ "$(jq -r .trace_id <<<"$srv")" = "$trace" ]
  [ "$(jq -r .parent_span_id <<<"$srv")" = "" ]
  [ "$(jq -r '.attributes["http.response.status_code"]' <<<"$srv")" = 200 ]
  [ "$(jq -r '.attributes["url.path"]' <<<"$srv")" = "$path" ]
  [ "$(jq -r '.attributes["user_agent.original"]' <<<"$srv")" = "$agent" ]
  # The server span covers the invocation.
  [ "$(jq -r .start <<<"$srv")" -le "$(jq -r .start <<<"$s")" ]
  [ "$(jq -r .end <<<"$srv")" -ge "$(jq -r .end <<<"$s")" ]
  # shellcheck disable=SC2034  # read by the calling test
  INVOCATION_SPAN="$s" SERVER_SPAN="$srv"
}
