#!/usr/bin/env bats
# OpenTelemetry (docs/behaviour.md, OpenTelemetry): server, invocation and storage client
# spans exported over OTLP/HTTP to a local sink, parent links for HTTP, queue and timer
# invocations, the trace context the worker gets, the metrics export (the numbers of
# /admin/metrics, periodically and at shutdown), and collectors that are down or hang.
# App: tests/apps/telemetry (with Azurite); sink: tests/helpers/otlp-sink.py.

load helpers/common
load helpers/storage
load helpers/otlp

MASTER=telemetry-master-key-0123456789abcdef

setup_file() {
  azurite_start
  local sink
  sink=$(otlp_start main)
  pyfn_start_storage -e "OTEL_EXPORTER_OTLP_ENDPOINT=$sink" -e OTEL_BSP_SCHEDULE_DELAY=100 \
    -e OTEL_SERVICE_NAME=pyfn-telemetry-test \
    -e OTEL_RESOURCE_ATTRIBUTES=deployment.environment=test,team=a%20b \
    -e AzureWebJobsSecretStorageType=memory -e "PYFN_MASTER_KEY=$MASTER" telemetry
}

teardown_file() {
  pyfn_stop_all
  otlp_stop_all
  azurite_stop
}

# metric NAME LABELS: the value of a pyfn metric of instance NAME (0 when absent).
metric() {
  http_request -n "$1" GET /admin/metrics -H "x-functions-key: $MASTER" >/dev/null
  local v
  v=$(printf '%s\n' "$HTTP_BODY" | awk -v m="$2" '$1 == m { print $2 }')
  printf '%s\n' "${v:-0}"
}

@test "OpenTelemetry: an HTTP request is a server span with the invocation span as its child; the worker gets the invocation's context" {
  http_request GET '/api/hello?x=1' -H 'User-Agent: otel-test'
  assert_http_status 200
  otlp_assert_http_trace main hello /api/hello otel-test
  local s="$INVOCATION_SPAN"
  [ "$(jq -r .service <<<"$s")" = pyfn-telemetry-test ]
  [ "$(jq -r '.resource["deployment.environment"]' <<<"$s")" = test ]
  [ "$(jq -r '.resource.team' <<<"$s")" = "a b" ]
}

@test "OpenTelemetry: an incoming traceparent and tracestate continue the caller's trace" {
  otlp_assert_continued main 4bf92f3577b34da6a3ce929d0e0e4736 /api/hello
}

@test "OpenTelemetry: an unsampled incoming trace is passed on with flags 00 and not exported" {
  local trace=5bf92f3577b34da6a3ce929d0e0e4736
  http_request GET /api/hello -H "traceparent: 00-$trace-00f067aa0ba902b7-00"
  assert_http_status 200
  [[ "$(http_json .traceparent)" =~ ^00-$trace-[0-9a-f]{16}-00$ ]]
  http_request GET /api/hello  # a later, sampled request: its spans arrive after any earlier
  span_of main "$(http_json .traceparent | cut -d- -f3)"
  [ -z "$(otlp_spans main ".trace_id == \"$trace\"")" ]
}

@test "OpenTelemetry: a failing function ends its span with status ERROR and outcome failure" {
  http_request GET /api/fail
  assert_http_status 500
  otlp_wait main 10 1 '.name == "fail"' >/dev/null || fail "no span for fail"
  local s
  s=$(otlp_spans main '.name == "fail"' | tail -1)
  [ "$(jq -r .status <<<"$s")" = 2 ]
  [ "$(jq -r '.attributes["pyfn.outcome"]' <<<"$s")" = failure ]
  [[ "$(jq -r .status_message <<<"$s")" == *"telemetry test failure"* ]]
  span_of main "$(jq -r .parent_span_id <<<"$s")"
  [ "$(jq -r '.attributes["http.response.status_code"]' <<<"$output")" = 500 ]
  [ "$(jq -r .status <<<"$output")" = 2 ]
}

@test "OpenTelemetry: a queue output is a client span of its invocation; the queue-triggered invocation starts a new trace" {
  http_request POST /api/enqueue --data-binary 'otel-message-1'
  assert_http_status 202
  storage_wait 20 peek otel-done || fail "nothing on otel-done; $(pyfn_log | tail -20)"
  local done="$output" tp trace span
  [ "$(json_get "$done" .body)" = otel-message-1 ]
  tp=$(json_get "$done" .traceparent)
  [[ "$tp" =~ ^00-([0-9a-f]{32})-([0-9a-f]{16})-01$ ]] || fail "traceparent: $tp"
  trace=${BASH_REMATCH[1]} span=${BASH_REMATCH[2]}
  # The queue-triggered invocation: a root CONSUMER span.
  span_of main "$span"
  local work="$output"
  [ "$(jq -r .name <<<"$work")" = work ]
  [ "$(jq -r .parent_span_id <<<"$work")" = "" ]
  [ "$(jq -r .kind <<<"$work")" = 5 ]
  [ "$(jq -r '.attributes["faas.trigger"]' <<<"$work")" = pubsub ]
  [ "$(jq -r '.attributes["pyfn.trigger"]' <<<"$work")" = queue ]
  [ "$(jq -r '.attributes["faas.invocation_id"]' <<<"$work")" = "$(json_get "$done" .invocation_id)" ]
  # Its own output to otel-done: a CLIENT span under it (after the queue's creation, a PUT).
  local cond=".parent_span_id == \"$span\" and .kind == 3 and .name == \"POST\""
  otlp_wait main 10 1 "$cond" >/dev/null ||
    fail "no client POST under work; $(otlp_spans main '.kind == 3')"
  local put
  put=$(otlp_spans main "$cond" | head -1)
  [[ "$(jq -r '.attributes["url.full"]' <<<"$put")" == */otel-done/messages ]]
  [ "$(jq -r '.attributes["http.response.status_code"]' <<<"$put")" = 201 ]
  [ "$(jq -r '.attributes["server.port"]' <<<"$put")" = "$AZURITE_QUEUE_PORT" ]
  # The enqueueing HTTP invocation is another trace, with its client span to otel-items.
  local enq
  enq=$(otlp_spans main '.name == "enqueue"' | tail -1)
  [ -n "$enq" ] || fail "no span for enqueue"
  [ "$(jq -r .trace_id <<<"$enq")" != "$trace" ]
  local client
  client=$(otlp_spans main ".parent_span_id == $(jq .span_id <<<"$enq") and .kind == 3 and .name == \"POST\"" | head -1)
  [[ "$(jq -r '.attributes["url.full"]' <<<"$client")" == */otel-items/messages ]] ||
    fail "client span of enqueue: $client"
  # Polling and the message's delete are the host's own calls: never traced without a context.
  [ -z "$(otlp_spans main '.kind == 3 and .parent_span_id == ""')" ]
}

@test "OpenTelemetry: each timer occurrence is a root invocation span; the worker logs its traceparent" {
  otlp_wait main 15 1 '.name == "tick"' >/dev/null || fail "no tick span; $(pyfn_log | tail -20)"
  local s trace span
  s=$(otlp_spans main '.name == "tick"' | head -1)
  [ "$(jq -r .parent_span_id <<<"$s")" = "" ]
  [ "$(jq -r .kind <<<"$s")" = 1 ]
  [ "$(jq -r '.attributes["faas.trigger"]' <<<"$s")" = timer ]
  trace=$(jq -r .trace_id <<<"$s") span=$(jq -r .span_id <<<"$s")
  assert_log "tick traceparent=00-$trace-$span-01"
  # Occurrences are separate traces.
  otlp_wait main 15 2 '.name == "tick"' >/dev/null
  [ "$(otlp_spans main '.name == "tick"' | jq -r .trace_id | sort -u | wc -l)" -ge 2 ]
}

@test "OpenTelemetry: the metrics count exported spans; health probes are not traced" {
  http_request GET /admin/health/live
  [ "$(metric app pyfn_otel_spans_exported_total)" -gt 0 ]
  [ "$(metric app 'pyfn_otel_spans_dropped_total{reason="queue_full"}')" = 0 ]
  [ -z "$(otlp_spans main '.attributes["url.path"] == "/admin/health/live"')" ]
  [ -z "$(cat "$BATS_FILE_TMPDIR/otlp-main/errors.log" 2>/dev/null)" ]
}

# OTEL_PYTHONPATH: where opentelemetry-api and opentelemetry-sdk can be imported from (PyPI
# wheels unpacked, or the opentelemetry-python repository's */src folders); unset here.
@test "OpenTelemetry: with PYTHON_ENABLE_OPENTELEMETRY the app's own SDK span is a child of the invocation span" {
  [ "$PYFN_TARGET" = native ] || skip "the library path is a directory of this machine"
  [ -n "${OTEL_PYTHONPATH:-}" ] ||
    skip "set OTEL_PYTHONPATH to opentelemetry-api and -sdk (not installable here)"
  PYTHONPATH="$OTEL_PYTHONPATH" /usr/bin/python3 -c 'import opentelemetry.sdk.trace' ||
    fail "OTEL_PYTHONPATH=$OTEL_PYTHONPATH: opentelemetry.sdk.trace cannot be imported"
  local sink
  sink=$(otlp_start sdk)
  pyfn_start -n sdk -e "OTEL_EXPORTER_OTLP_ENDPOINT=$sink" -e OTEL_BSP_SCHEDULE_DELAY=100 \
    -e PYTHON_ENABLE_OPENTELEMETRY=true -e "PYTHONPATH=$OTEL_PYTHONPATH" \
    -e AzureWebJobsSecretStorageType=memory -e "PYFN_MASTER_KEY=$MASTER" telemetry
  http_request -n sdk GET /api/sdkspan
  assert_http_status 200
  local tp trace span
  tp=$(http_json .traceparent)
  [[ "$tp" =~ ^00-([0-9a-f]{32})-([0-9a-f]{16})-01$ ]] || fail "traceparent: $tp"
  trace=${BASH_REMATCH[1]} span=${BASH_REMATCH[2]}
  [ "$(http_json .trace_id)" = "$trace" ]
  [ "$(http_json .parent_span_id)" = "$span" ] || fail "the app's span's parent: $HTTP_BODY"
  # That parent is the invocation span the host exported.
  span_of sdk "$span"
  [ "$(jq -r .name <<<"$output")" = sdkspan ]
  [ "$(jq -r '.attributes["faas.name"]' <<<"$output")" = sdkspan ]
  echo "# opentelemetry $(http_json .opentelemetry)" >&3
  pyfn_stop sdk
}

@test "OpenTelemetry: metrics are exported every interval with the numbers /admin/metrics shows" {
  local sink
  sink=$(otlp_start metrics)
  pyfn_start -n metrics -e "OTEL_EXPORTER_OTLP_ENDPOINT=$sink" -e OTEL_TRACES_EXPORTER=none \
    -e OTEL_METRIC_EXPORT_INTERVAL=200 -e OTEL_SERVICE_NAME=pyfn-metrics-test \
    -e AzureWebJobsSecretStorageType=memory -e "PYFN_MASTER_KEY=$MASTER" telemetry
  local i
  for i in 1 2 3; do
    http_request -n metrics GET "/api/hello?i=$i"
    assert_http_status 200
  done
  local inv='.name == "pyfn_invocations_total" and .attributes.function == "hello" and .attributes.outcome == "success"'
  otlp_wait_point metrics 10 "$inv and .value == 3" >/dev/null ||
    fail "no export with 3 invocations: $(otlp_points metrics "$inv" | tail -2); $(cat "$BATS_FILE_TMPDIR/otlp-metrics/errors.log" 2>/dev/null)"
  local p="$output"
  [ "$(jq -r .type <<<"$p")" = sum ]
  [ "$(jq -r .monotonic <<<"$p")" = true ]
  [ "$(jq -r .temporality <<<"$p")" = 2 ]
  [ "$(jq -r .attributes.trigger <<<"$p")" = http ]
  [ "$(jq -r .service <<<"$p")" = pyfn-metrics-test ]
  [ "$(jq -r '.resource["service.instance.id"]' <<<"$p")" != null ]
  [ "$(jq -r .start <<<"$p")" -gt 0 ] && [ "$(jq -r .time <<<"$p")" -ge "$(jq -r .start <<<"$p")" ]
  [ "$(metric metrics 'pyfn_invocations_total{function="hello",trigger="http",outcome="success"}')" = 3 ]
  # The latency histogram: Prometheus's buckets, every invocation counted.
  local h
  h=$(otlp_points metrics '.name == "pyfn_invocation_duration_seconds" and .attributes.function == "hello"' | tail -1)
  [ "$(jq -r .type <<<"$h")" = histogram ] || fail "histogram: $h"
  [ "$(jq -r .count <<<"$h")" = 3 ]
  [ "$(jq -r '.bucket_counts | add' <<<"$h")" = 3 ]
  [ "$(jq -c .bounds <<<"$h")" = '[0.005,0.01,0.025,0.05,0.1,0.25,0.5,1,2.5,5,10,30,60,300]' ]
  [ "$(jq -r .unit <<<"$h")" = s ]
  # Gauges, and the exporter's own counter.
  [ "$(otlp_points metrics '.name == "pyfn_workers_ready"' | tail -1 | jq -r '.type + " " + (.value|tostring)')" = "gauge 1" ]
  [ "$(metric metrics 'pyfn_otel_metric_exports_total{result="success"}')" -gt 0 ]
  [ -z "$(cat "$BATS_FILE_TMPDIR/otlp-metrics/errors.log" 2>/dev/null)" ]
  [ -z "$(otlp_spans metrics)" ]  # OTEL_TRACES_EXPORTER=none
  pyfn_stop metrics
}

@test "OpenTelemetry: the host exports its metrics once more when it stops" {
  local sink
  sink=$(otlp_start final)
  pyfn_start -n final -e "OTEL_EXPORTER_OTLP_ENDPOINT=$sink" -e OTEL_TRACES_EXPORTER=none \
    -e AzureWebJobsSecretStorageType=memory -e "PYFN_MASTER_KEY=$MASTER" telemetry
  http_request -n final GET /api/hello
  http_request -n final GET /api/hello
  [ -z "$(otlp_points final)" ]  # the default interval is a minute
  pyfn_stop final
  local inv='.name == "pyfn_invocations_total" and .attributes.function == "hello" and .attributes.outcome == "success"'
  otlp_wait_point final 5 "$inv" >/dev/null || fail "no final export; $(pyfn_log final | tail -20)"
  [ "$(jq -r .value <<<"$output")" = 2 ]
  [ "$(jq -r .export <<<"$output")" = 1 ]
}

@test "OpenTelemetry: with OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf the same spans go as protobuf" {
  local sink
  sink=$(otlp_start proto)
  pyfn_start -n proto -e "OTEL_EXPORTER_OTLP_ENDPOINT=$sink" -e OTEL_BSP_SCHEDULE_DELAY=100 \
    -e OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf -e OTEL_METRICS_EXPORTER=none \
    -e OTEL_SERVICE_NAME=pyfn-proto-test -e AzureWebJobsSecretStorageType=memory \
    -e "PYFN_MASTER_KEY=$MASTER" telemetry
  http_request -n proto GET '/api/hello?x=1' -H 'User-Agent: otel-proto'
  assert_http_status 200
  otlp_assert_http_trace proto hello /api/hello otel-proto
  [ "$(jq -r .encoding <<<"$INVOCATION_SPAN")" = protobuf ]
  [ "$(jq -r .service <<<"$INVOCATION_SPAN")" = pyfn-proto-test ]
  [ "$(jq -r '.attributes["url.query"]' <<<"$SERVER_SPAN")" = x=1 ]
  otlp_assert_continued proto 6bf92f3577b34da6a3ce929d0e0e4736 "$(pyfn_url proto)/api/hello"
  [ ! -s "$BATS_FILE_TMPDIR/otlp-proto/errors.log" ]
  pyfn_stop proto
}

@test "OpenTelemetry: a collector whose port is closed changes no response; the drop counter rises" {
  local port
  port=$(otlp_closed_port)
  pyfn_start -n dead -e "OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:$port" \
    -e OTEL_BSP_SCHEDULE_DELAY=50 -e OTEL_METRIC_EXPORT_INTERVAL=100 \
    -e AzureWebJobsSecretStorageType=memory \
    -e "PYFN_MASTER_KEY=$MASTER" telemetry
  local i
  for i in $(seq 1 20); do
    http_request -n dead GET "/api/hello?i=$i"
    assert_http_status 200
    [[ "$(http_json .traceparent)" =~ ^00-[0-9a-f]{32}-[0-9a-f]{16}-01$ ]]
  done
  local deadline=$((SECONDS + 10)) dropped=0
  while [ "$SECONDS" -lt "$deadline" ]; do
    dropped=$(metric dead 'pyfn_otel_spans_dropped_total{reason="export_failed"}')
    [ "$dropped" -ge 40 ] && break
    sleep 0.2
  done
  [ "$dropped" -ge 40 ] || fail "dropped: $dropped"
  [ "$(metric dead pyfn_otel_spans_exported_total)" = 0 ]
  assert_log -n dead "OpenTelemetry: cannot export [0-9]+ span\(s\) to http://127.0.0.1:$port/v1/traces: .*; they are dropped"
  # The metrics export fails too: counted, logged once.
  [ "$(metric dead 'pyfn_otel_metric_exports_total{result="failure"}')" -gt 0 ]
  [ "$(metric dead 'pyfn_otel_metric_exports_total{result="success"}')" = 0 ]
  assert_log -n dead "OpenTelemetry: cannot export metrics to http://127.0.0.1:$port/v1/metrics"
  pyfn_stop dead
}

@test "OpenTelemetry: a collector that hangs changes no response; spans beyond the queue are dropped" {
  local sink
  sink=$(otlp_start hang --hang)
  pyfn_start -n hang -e "OTEL_EXPORTER_OTLP_ENDPOINT=$sink" -e OTEL_BSP_SCHEDULE_DELAY=50 \
    -e OTEL_BSP_MAX_QUEUE_SIZE=8 -e OTEL_BSP_MAX_EXPORT_BATCH_SIZE=4 \
    -e OTEL_EXPORTER_OTLP_TIMEOUT=4000 -e AzureWebJobsSecretStorageType=memory \
    -e "PYFN_MASTER_KEY=$MASTER" telemetry
  local i
  for i in $(seq 1 30); do
    http_request -n hang GET "/api/hello?i=$i"
    assert_http_status 200
    # No request waits for the collector (the export timeout is 4 s).
    awk -v t="$HTTP_TIME" 'BEGIN { exit !(t < 2) }' || fail "request $i took ${HTTP_TIME}s"
  done
  [ "$(metric hang 'pyfn_otel_spans_dropped_total{reason="queue_full"}')" -gt 0 ]
  assert_log -n hang "OpenTelemetry: the span queue is full"
  pyfn_stop hang
}
