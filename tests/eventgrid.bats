#!/usr/bin/env bats
# docs/behaviour.md "Event Grid": the Event Grid trigger webhook and the eventGrid output
# binding, both programming models. Apps: tests/apps/eventgrid (function.json) and
# tests/apps/v2-eventgrid (decorators). A local sink (tests/helpers/eventgrid-sink.py) stands
# in for the Event Grid topic and records what the functions report.

load helpers/common
load helpers/eventgrid

MASTER=eg-master-key-0123456789
HOSTKEY=eg-host-key-0123456789

setup_file() {
  sink_start
  local down
  down=$(pyfn_free_port)
  local -a env=(-e "PYFN_MASTER_KEY=$MASTER" -e "PYFN_FUNCTION_KEY=$HOSTKEY"
    -e "EG_RECORD_URL=$SINK_URL/record" -e "EG_TOPIC_KEY=topic-key-0123456789"
    -e "EG_DOWN_URI=http://127.0.0.1:$down/api/events")
  pyfn_start "${env[@]}" -e "EG_TOPIC_URI=$SINK_URL/api/events" eventgrid
  pyfn_start -n v2 "${env[@]}" -e "EG_TOPIC_URI=$SINK_URL/v2/api/events" v2-eventgrid
  local name
  for name in app v2; do
    http_request -n "$name" GET /admin/host/systemkeys/eventgrid_extension \
      -H "x-functions-key: $MASTER"
    [ "$HTTP_STATUS" = 200 ] || { echo "no system key on $name: $HTTP_STATUS $HTTP_BODY" >&2; return 1; }
    printf '%s\n' "$(http_json .value)" >"$BATS_FILE_TMPDIR/syskey-$name"
  done
}

teardown_file() {
  pyfn_stop_all
  sink_stop
}

syskey() { cat "$BATS_FILE_TMPDIR/syskey-${1:-app}"; }

# deliver [-n NAME] FUNCTION BODY [CURL_ARGS...]: an Event Grid notification with the system key.
deliver() {
  local name=app
  if [ "$1" = -n ]; then name=$2; shift 2; fi
  local fn="$1" body="$2"
  shift 2
  http_request -n "$name" POST "/runtime/webhooks/EventGrid?functionName=$fn&code=$(syskey "$name")" \
    -H "aeg-event-type: Notification" -H "Content-Type: application/json" \
    --data-binary "$body" "$@"
}

# records ID_PREFIX: what on_event reported for the events whose id starts with ID_PREFIX.
records() {
  sink_requests /record | jq -c --arg p "$1" '.body | fromjson | select(.id | startswith($p))'
}

@test "Event Grid: the system key exists at start and the log names the endpoint" {
  [ "$(syskey | wc -c)" -gt 40 ]
  assert_log "registered EventGrid Endpoint = http://localhost:[0-9]+/runtime/webhooks/eventgrid"
  # Host keys do not list it; the system keys do.
  http_request GET /admin/host/keys -H "x-functions-key: $MASTER"
  refute_output --partial eventgrid_extension
  http_request GET /admin/host/systemkeys -H "x-functions-key: $MASTER"
  assert_http_status 200
  [ "$(http_json '.keys[] | select(.name == "eventgrid_extension") | .value')" = "$(syskey)" ]
}

@test "Event Grid: SubscriptionValidation answers the validation code without invoking" {
  http_request POST "/runtime/webhooks/EventGrid?functionName=on_event&code=$(syskey)" \
    -H "aeg-event-type: SubscriptionValidation" -H "Content-Type: application/json" \
    --data-binary '[{"id": "val-1", "topic": "/subscriptions/x", "subject": "",
      "eventType": "Microsoft.EventGrid.SubscriptionValidationEvent",
      "eventTime": "2024-05-01T10:00:00Z", "dataVersion": "2", "metadataVersion": "1",
      "data": {"validationCode": "512d38b6-c7b8-40c8-89fe-f46f9e9622b6",
               "validationUrl": "https://rp-eastus2.eventgrid.azure.net/validate"}}]'
  assert_http_status 200
  [ "$(http_json .validationResponse)" = 512d38b6-c7b8-40c8-89fe-f46f9e9622b6 ]
  assert_log "perform handshake with eventGrid for function: on_event"
  refute_log "Executing 'Functions.on_event'"
  [ -z "$(records val-)" ]
}

@test "Event Grid: the CloudEvents OPTIONS handshake allows Event Grid's origin" {
  http_request OPTIONS "/runtime/webhooks/eventgrid?functionName=on_event&code=$(syskey)" \
    -H "WebHook-Request-Origin: eventgrid.azure.net"
  assert_http_status 200
  assert_http_header WebHook-Allowed-Origin '^eventgrid\.azure\.net$'
  http_request OPTIONS "/runtime/webhooks/eventgrid?functionName=on_event&code=$(syskey)" \
    -H "WebHook-Request-Origin: attacker.example.com"
  assert_http_status 200
  assert_http_header WebHook-Allowed-Origin '^eventgrid\.azure\.net$'
  http_request OPTIONS "/runtime/webhooks/eventgrid?functionName=on_event" \
    -H "WebHook-Request-Origin: eventgrid.azure.net"
  assert_http_status 401
}

@test "Event Grid: a batch of three events is three invocations with the events' fields" {
  deliver on_event '[
    {"id": "batch-1", "topic": "/t", "subject": "s/1", "eventType": "Pyfn.Test",
     "eventTime": "2024-05-01T10:00:00Z", "data": {"n": 1}, "dataVersion": "1.0"},
    {"id": "batch-2", "topic": "/t", "subject": "s/2", "eventType": "Pyfn.Test",
     "eventTime": "2024-05-01T10:00:01Z", "data": {"n": 2}, "dataVersion": "1.0"},
    {"id": "batch-3", "topic": "/t", "subject": "s/3", "eventType": "Pyfn.Test",
     "eventTime": "2024-05-01T10:00:02Z", "data": {"n": 3}, "dataVersion": "1.0"}]'
  assert_http_status 202
  # The answer comes after every invocation ended: the three reports are in.
  run records batch-
  [ "${#lines[@]}" = 3 ] || fail "expected three records: $output"
  local r1
  r1=$(records batch-1)
  [ "$(json_get "$r1" .subject)" = s/1 ]
  [ "$(json_get "$r1" .topic)" = /t ]
  [ "$(json_get "$r1" .event_type)" = Pyfn.Test ]
  [ "$(json_get "$r1" .data.n)" = 1 ]
  [ "$(json_get "$r1" .event_time)" = "2024-05-01T10:00:00+00:00" ]
  [ "$(pyfn_log_count "Executing 'Functions.on_event' \(Reason='EventGrid trigger fired at ")" -ge 3 ]
}

@test "Event Grid: a CloudEvent (application/cloudevents+json) is one invocation" {
  http_request POST "/runtime/webhooks/EventGrid?functionName=on_event&code=$(syskey)" \
    -H "aeg-event-type: Notification" -H "Content-Type: application/cloudevents+json; charset=utf-8" \
    --data-binary '{"specversion": "1.0", "id": "cloud-1", "source": "/pyfn/tests",
      "type": "Pyfn.Cloud", "subject": "c/1", "time": "2024-05-01T10:00:00Z", "data": {"c": 1}}'
  assert_http_status 202
  local r
  r=$(records cloud-1)
  [ "$(json_get "$r" .event_type)" = Pyfn.Cloud ]
  [ "$(json_get "$r" .topic)" = /pyfn/tests ]
  [ "$(json_get "$r" .data.c)" = 1 ]
}

@test "Event Grid: the system key or the master key; host keys and wrong keys get 401" {
  local url="/runtime/webhooks/EventGrid?functionName=on_event"
  http_request POST "$url" -H "aeg-event-type: Unsubscribe"
  assert_http_status 401
  http_request POST "$url&code=wrong-key-0123456789" -H "aeg-event-type: Unsubscribe"
  assert_http_status 401
  http_request POST "$url" -H "x-functions-key: $HOSTKEY" -H "aeg-event-type: Unsubscribe"
  assert_http_status 401
  http_request POST "$url" -H "x-functions-key: $(syskey)" -H "aeg-event-type: Unsubscribe"
  assert_http_status 202
  http_request POST "$url&code=$MASTER" -H "aeg-event-type: Unsubscribe"
  assert_http_status 202
}

@test "Event Grid: an unknown function is 404, a function of another trigger 404 naming it" {
  deliver nope '[{"id": "x-1"}]'
  assert_http_status 404
  assert_output "cannot find function: 'nope'"
  deliver publish '[{"id": "x-2"}]'
  assert_http_status 404
  assert_output --partial "it is not an eventGridTrigger function: its trigger is httpTrigger"
}

@test "Event Grid: a failing invocation answers 500 so that Event Grid retries" {
  deliver on_event '[{"id": "fail-ok-1", "subject": "fine", "data": {}},
                     {"id": "fail-1", "subject": "fail", "data": {}}]'
  assert_http_status 500
  assert_output "Exception while executing function: Functions.on_event"
  assert_log "on_event fails on purpose for event fail-1"
  [ -n "$(records fail-ok-1)" ]  # the other event was still delivered
}

@test "Event Grid: invocations are counted with trigger=\"eventgrid\"" {
  http_request GET /admin/metrics -H "x-functions-key: $MASTER"
  assert_http_status 200
  assert_output --regexp 'pyfn_invocations_total\{function="on_event",trigger="eventgrid",outcome="success"\} [1-9]'
  assert_output --regexp 'pyfn_invocations_total\{function="on_event",trigger="eventgrid",outcome="failure"\} [1-9]'
}

@test "Event Grid: a body that is not JSON, or no aeg-event-type, is 400" {
  deliver on_event '[{"id": '
  assert_http_status 400
  assert_output --partial "not JSON"
  http_request POST "/runtime/webhooks/EventGrid?functionName=on_event&code=$(syskey)" \
    -H "Content-Type: application/json" --data-binary '[]'
  assert_http_status 400
  assert_output --partial "aeg-event-type header is missing"
}

@test "Event Grid output: events POSTed to the topic with aeg-sas-key, Event Grid schema" {
  http_request POST /api/publish/list
  assert_http_status 200
  run sink_wait 10 1 /api/events
  assert_success
  local req
  req=$(sink_requests /api/events | tail -1)
  [ "$(json_get "$req" .method)" = POST ]
  [ "$(json_get "$req" .path)" = "/api/events?api-version=2018-01-01" ]
  [ "$(json_get "$req" '.headers["aeg-sas-key"]')" = topic-key-0123456789 ]
  [ "$(json_get "$req" '.headers["content-type"]')" = "application/json; charset=utf-8" ]
  local body
  body=$(json_get "$req" .body)
  [ "$(json_get "$body" 'length')" = 2 ]
  [ "$(json_get "$body" '.[0].id')" = pub-1 ]
  [ "$(json_get "$body" '.[1].subject')" = items/2 ]
  [ "$(json_get "$body" '.[1].eventType')" = Pyfn.Published ]
  [ "$(json_get "$body" '.[1].data.n')" = 2 ]
  [ "$(json_get "$body" '.[0].eventTime')" = "2024-05-01T10:00:00+00:00" ]
}

@test "Event Grid output: JSON text gets an id and eventTime; CloudEvents go as a batch" {
  http_request POST /api/publish/text
  assert_http_status 200
  local body
  body=$(sink_requests /api/events | jq -r '.body' | jq -c '.[] | select(.subject == "items/text")' | tail -1)
  [ -n "$body" ] || fail "no items/text event: $(sink_requests /api/events)"
  [ "$(json_get "$body" '.id | length')" = 36 ]
  [ "$(json_get "$body" '.eventTime | length')" -gt 18 ]
  http_request POST /api/publish/cloud
  assert_http_status 200
  local req
  req=$(sink_requests /api/events | tail -1)
  [ "$(json_get "$req" '.headers["content-type"]')" = "application/cloudevents-batch+json; charset=utf-8" ]
  [ "$(json_get "$(json_get "$req" .body)" '.[0].type')" = Pyfn.Cloud ]
}

@test "Event Grid output from an Event Grid trigger (\$return)" {
  deliver relay '[{"id": "rel-1", "subject": "r/1", "eventType": "Pyfn.Test",
                   "eventTime": "2024-05-01T10:00:00Z", "data": {"r": 1}, "dataVersion": "1.0"}]'
  assert_http_status 202
  local ev
  ev=$(sink_requests /api/events | jq -r '.body' | jq -c '.[] | select(.id == "relayed-rel-1")')
  [ "$(json_get "$ev" .subject)" = relayed/r/1 ]
  [ "$(json_get "$ev" .data.r)" = 1 ]
}

@test "Event Grid output: a topic that does not answer fails the invocation, naming the topic" {
  http_request POST /api/publish_down
  assert_http_status 500
  assert_log -t 20 "output binding 'outputEvent': Event Grid topic http://127\.0\.0\.1:[0-9]+/api/events: connect to 127\.0\.0\.1:[0-9]+: connection refused"
}

@test "Event Grid output: a topic answering an error fails the invocation with its status" {
  require_native "restarts the host with another topic URL"
  pyfn_start -n err -e "PYFN_MASTER_KEY=$MASTER" -e "EG_RECORD_URL=$SINK_URL/record" \
    -e "EG_TOPIC_URI=$SINK_URL/status/401/api/events" -e "EG_TOPIC_KEY=bad-key-0123456789" \
    -e "EG_DOWN_URI=$SINK_URL/status/401/api/events" eventgrid
  http_request -n err POST /api/publish/one
  assert_http_status 500
  assert_log -n err "Event Grid topic http://127\.0\.0\.1:[0-9]+/status/401/api/events: POST answered 401: sink answered 401"
  refute_log -n err "bad-key-0123456789"
  pyfn_stop err
}

@test "Event Grid, decorators: validation, one event, and the output binding" {
  http_request -n v2 POST "/runtime/webhooks/eventgrid?functionName=on_event&code=$(syskey v2)" \
    -H "aeg-event-type: SubscriptionValidation" --data-binary '[{"data": {"validationCode": "v2-code"}}]'
  assert_http_status 200
  [ "$(http_json .validationResponse)" = v2-code ]
  deliver -n v2 on_event '[{"id": "v2ev-1", "subject": "v2/s", "eventType": "Pyfn.V2", "data": {"v": 2}}]'
  assert_http_status 202
  local r
  r=$(records v2ev-1)
  [ "$(json_get "$r" .function)" = v2_on_event ]
  [ "$(json_get "$r" .data.v)" = 2 ]
  deliver -n v2 on_event '[{"id": "v2ev-2", "subject": "fail"}]'
  assert_http_status 500
  http_request -n v2 POST /api/publish
  assert_http_status 200
  local req
  req=$(sink_requests /v2/api/events | tail -1)
  [ "$(json_get "$req" '.headers["aeg-sas-key"]')" = topic-key-0123456789 ]
  [ "$(json_get "$(json_get "$req" .body)" '[.[].id] | join(",")')" = v2-1,v2-2 ]
  http_request -n v2 POST /api/publish_down
  assert_http_status 500
  assert_log -n v2 -t 20 "Event Grid topic http://127\.0\.0\.1:[0-9]+/api/events: connect to"
}

@test "Event Grid: a function whose output names a missing setting fails to load, naming it" {
  require_native "starts a third host"
  pyfn_start -n nosetting -e "EG_RECORD_URL=$SINK_URL/record" -e "EG_TOPIC_URI=$SINK_URL/api/events" \
    -e "EG_DOWN_URI=$SINK_URL/api/events" eventgrid
  assert_log -n nosetting "Function 'publish' failed to load: binding 'outputEvent' \(eventGrid\): topicKeySetting names the app setting 'EG_TOPIC_KEY', which is not set"
  pyfn_stop nosetting
}
