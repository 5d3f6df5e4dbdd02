#!/usr/bin/env bats
# Table input and output bindings (docs/behaviour.md "Table bindings"), both programming
# models, against Azurite. Apps: tests/apps/storage-table (function.json, see its README)
# and tests/apps/v2-table (decorators, see its docstring).

load helpers/common
load helpers/storage

setup_file() {
  azurite_start
  storage put-entity people '{"PartitionKey": "p1", "RowKey": "r1", "Name": "Ann", "age": 40}'
  storage put-entity people '{"PartitionKey": "p1", "RowKey": "r2", "Name": "Bob", "age": 25}'
  storage put-entity people '{"PartitionKey": "p1", "RowKey": "r3", "Name": "Cy", "age": 51}'
  storage put-entity people '{"PartitionKey": "p1", "RowKey": "r4", "Name": "Di", "age": 62}'
  storage put-entity people "{\"PartitionKey\": \"p2\", \"RowKey\": \"x\", \"Name\": \"O'Brien\"}"
  storage put-entity v2people '{"PartitionKey": "v", "RowKey": "1", "Name": "Vee"}'
  pyfn_start_storage storage-table
  pyfn_start_storage -n v2 v2-table
}

teardown_file() {
  pyfn_stop_all
  azurite_stop
}

@test "table input: one entity by partitionKey/rowKey from route parameters, as JSON text" {
  http_request GET /api/people/p1/r1
  assert_http_status 200
  assert_http_header X-Type '^str$'
  [ "$(jq -cS . <<<"$HTTP_BODY")" = '{"Name":"Ann","PartitionKey":"p1","RowKey":"r1","age":40}' ] ||
    fail "body: $HTTP_BODY"
}

@test "table input: a missing entity (or table) is None" {
  http_request GET /api/people/p1/nobody
  assert_http_status 404
  assert_output missing
}

@test "table input: partitionKey + filter with an expression + take is a query, as a JSON array" {
  http_request GET '/api/people/p1?min=30'
  assert_http_status 200
  [ "$(jq -c '[.[].RowKey]' <<<"$HTTP_BODY")" = '["r1","r3"]' ] || fail "body: $HTTP_BODY"
  [ "$(jq -c '[.[] | has("Timestamp") or has("odata.etag")] | any' <<<"$HTTP_BODY")" = false ]
  http_request GET '/api/people/p1?min=100'
  assert_http_status 200
  assert_output '[]'
}

@test "table input: a value inside quotes in the filter has its quotes doubled" {
  http_request GET "/api/search?name=O'Brien"
  assert_http_status 200
  [ "$(jq -c '[.[].RowKey]' <<<"$HTTP_BODY")" = '["x"]' ] || fail "body: $HTTP_BODY"
  # A value that would break out of the quotes matches nothing instead.
  http_request GET "/api/search?name=x'%20or%20Name%20ne%20'"
  assert_http_status 200
  assert_output '[]'
}

@test "table output: one entity (keys from the binding) and an array are inserted" {
  http_request POST /api/people/w1 --data-binary '{"RowKey": "a", "n": 7, "tags": ["x"]}'
  assert_http_status 201
  run storage get-entity people w1 a
  assert_success
  assert_output '{"PartitionKey":"w1","RowKey":"a","n":7,"tags":"[\"x\"]"}'
  http_request POST /api/people/w1 --data-binary '[{"RowKey": "b"}, {"PartitionKey": "own", "RowKey": "c"}]'
  assert_http_status 201
  run storage get-entity people w1 b
  assert_success
  run storage get-entity people own c
  assert_success
}

@test "table output: an insert conflict fails the invocation with 500, the log naming table and operation" {
  http_request POST /api/people/w2 --data-binary '{"RowKey": "dup", "v": 1}'
  assert_http_status 201
  http_request POST /api/people/w2 --data-binary '{"RowKey": "dup", "v": 2}'
  assert_http_status 500
  assert_log "InsertEntity people \(PartitionKey 'w2', RowKey 'dup'\): 409 EntityAlreadyExists"
  run storage get-entity people w2 dup
  assert_output '{"PartitionKey":"w2","RowKey":"dup","v":1}'
}

@test "table output: ETag \"*\" upserts (Azure's switch); a bad entity fails naming the table" {
  http_request POST /api/people/w3 --data-binary '{"RowKey": "u", "v": 1}'
  assert_http_status 201
  http_request POST /api/people/w3 --data-binary '{"RowKey": "u", "v": 2, "ETag": "*"}'
  assert_http_status 201
  run storage get-entity people w3 u
  assert_output '{"PartitionKey":"w3","RowKey":"u","v":2}'
  http_request POST /api/people/w3 --data-binary '{"RowKey": "a/b"}'
  assert_http_status 500
  assert_log "table 'people': entity is not valid: RowKey 'a/b'"
  http_request POST /api/people/w3 --data-binary '"just a string"'
  assert_http_status 500
  assert_log "output binding 'out': expected an entity object or an array of them, got string"
}

@test "table output from a queue trigger: keys from the message's JSON members; the table is created" {
  run storage query jobs
  assert_output ''
  storage put-message table-jobs '{"kind": "import", "job": "j-1", "name": "first"}'
  storage_wait 20 get-entity jobs import j-1 || fail "no entity; $(pyfn_log | tail -20)"
  assert_output '{"Dequeued":1,"Name":"first","PartitionKey":"import","RowKey":"j-1"}'
}

@test "L8: a table binding with an invalid tableName fails that function's load, naming it" {
  assert_log "bad_table.*tableName 'bad-name' is not a valid table name"
  http_request GET /api/people/p1/r1
  assert_http_status 200
}

@test "v2: table_input reads by keys (str), None when missing; a query by partition" {
  http_request -n v2 GET /api/v2/people/v/1
  assert_http_status 200
  assert_http_header X-Type '^str$'
  [ "$(jq -cS . <<<"$HTTP_BODY")" = '{"Name":"Vee","PartitionKey":"v","RowKey":"1"}' ] ||
    fail "body: $HTTP_BODY"
  http_request -n v2 GET /api/v2/people/v/2
  assert_http_status 404
  http_request -n v2 GET /api/v2/people/v
  assert_http_status 200
  [ "$(jq -c '[.[].Name]' <<<"$HTTP_BODY")" = '["Vee"]' ] || fail "body: $HTTP_BODY"
}

@test "v2: table_output writes an array; a queue-triggered table_output uses {job}" {
  http_request -n v2 POST /api/v2/people/w --data-binary '[{"RowKey": "1", "n": 1}, {"RowKey": "2", "n": 2}]'
  assert_http_status 201
  run storage query v2people "PartitionKey eq 'w'"
  assert_output "$(printf '%s\n%s' '{"PartitionKey":"w","RowKey":"1","n":1}' \
    '{"PartitionKey":"w","RowKey":"2","n":2}')"
  storage put-message v2-table-jobs '{"job": "q-9", "name": "queued"}'
  storage_wait 20 get-entity v2people queue q-9 || fail "no entity; $(pyfn_log -n v2 | tail -20)"
  assert_output '{"Name":"queued","PartitionKey":"queue","RowKey":"q-9"}'
}
