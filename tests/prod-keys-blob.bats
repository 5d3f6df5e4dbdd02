#!/usr/bin/env bats
# Function keys in blob storage (AzureWebJobsSecretStorageType=blob), Azure's
# BlobStorageSecretsRepository layout: container azure-webjobs-secrets, blobs
# <host id>/host.json and <host id>/<function>.json, shared by every host of the app.
# Against Azurite. App: tests/apps/prod-host.

load helpers/common
load helpers/prod
load helpers/storage

HOSTID=keys-host

setup_file() {
  azurite_start
  pyfn_start_storage -n a -e AzureWebJobsSecretStorageType=blob \
    -e "AzureFunctionsWebHost__hostid=$HOSTID" prod-host
}

teardown_file() {
  pyfn_stop_all
  azurite_stop
}

secret() { storage get-blob "azure-webjobs-secrets/$HOSTID/$1"; }
master() { secret host.json | jq -r '.masterKey.value'; }
fn_key() { secret "$1.json" | jq -r ".keys[] | select(.name == \"${2:-default}\") | .value"; }

# start_blob_host NAME: another host of the app on the same account and host id.
start_blob_host() {
  pyfn_start_storage -n "$1" -e AzureWebJobsSecretStorageType=blob \
    -e "AzureFunctionsWebHost__hostid=$HOSTID" prod-host
}

@test "blob secrets: keys are generated into Azure's blobs, and they open the functions" {
  run storage list-blobs azure-webjobs-secrets "$HOSTID/"
  assert_success
  for f in host fn_a fn_b adm anon; do
    assert_line "$HOSTID/$f.json"
  done
  run secret host.json
  assert_success
  run jq -r '.masterKey.name, .masterKey.encrypted, .functionKeys[0].name, .source' <<<"$(secret host.json)"
  assert_output $'master\nfalse\ndefault\nruntime'
  [[ "$(master)" =~ ^[A-Za-z0-9_-]{54}$ ]] || fail "master key: $(master)"
  http_request -n a GET "/api/fn_a?code=$(fn_key fn_a)"
  assert_http_status 200
  http_request -n a GET "/api/fn_a?code=$(fn_key fn_b)"
  assert_http_status 401
  http_request -n a GET /admin/host/keys -H "x-functions-key: $(master)"
  assert_http_status 200
  assert_log -n a "Function keys: blob storage \(AzureWebJobsStorage\), account devstoreaccount1, azure-webjobs-secrets/$HOSTID/"
  # Keys never reach the log.
  run pyfn_log a
  refute_output --partial "$(master)"
  refute_output --partial "$(fn_key fn_a)"
}

@test "blob secrets: a function key set through the admin API is in its blob and survives a restart" {
  local key=blob-stored-key-0123456789abcdef
  http_request -n a PUT /admin/functions/fn_a/keys/mine -H "x-functions-key: $(master)" \
    -H 'Content-Type: application/json' --data "{\"name\": \"mine\", \"value\": \"$key\"}"
  assert_http_status 201
  assert_equal "$(fn_key fn_a mine)" "$key"
  local before
  before=$(master)
  pyfn_stop a
  start_blob_host a
  http_request -n a GET "/api/fn_a?code=$key"
  assert_http_status 200
  http_request -n a GET "/api/fn_b?code=$key"
  assert_http_status 401
  assert_equal "$(master)" "$before"
}

@test "blob secrets: a second host on the same account and host id accepts the same keys, even new ones" {
  start_blob_host b
  http_request -n b GET "/api/fn_a?code=$(fn_key fn_a mine)"
  assert_http_status 200
  http_request -n b GET /admin/host/keys -H "x-functions-key: $(master)"
  assert_http_status 200
  # A key set on a while b runs: b re-reads the keys when one matches nothing.
  local key=set-on-host-a-0123456789abcdef
  http_request -n a PUT /admin/functions/fn_b/keys/later -H "x-functions-key: $(master)" \
    --data "{\"name\": \"later\", \"value\": \"$key\"}"
  assert_http_status 201
  http_request -n b GET "/api/fn_b?code=$key"
  assert_http_status 200
  # Changes on both hosts add up in the blob.
  http_request -n b PUT /admin/functions/fn_b/keys/from_b -H "x-functions-key: $(master)" \
    --data '{"name": "from_b", "value": "set-on-host-b-0123456789abcdef"}'
  assert_http_status 201
  run jq -r '[.keys[].name] | join(" ")' <<<"$(secret fn_b.json)"
  assert_output 'default later from_b'
  pyfn_stop b
}

@test "blob secrets: AzureWebJobsSecretStorageSas (a container SAS URI) wins, in the URI's container" {
  local uri
  uri=$(storage sas-uri sas-secrets)
  pyfn_start -n sas -e AzureWebJobsSecretStorageType=blob -e "AzureWebJobsSecretStorageSas=$uri" \
    -e AzureFunctionsWebHost__hostid=sas-host prod-host
  run storage get-blob sas-secrets/sas-host/host.json
  assert_success
  local m
  m=$(jq -r .masterKey.value <<<"$output")
  http_request -n sas GET "/api/adm?code=$m"
  assert_http_status 200
  assert_log -n sas "Function keys: blob storage \(AzureWebJobsSecretStorageSas\), account devstoreaccount1, sas-secrets/sas-host/"
  run pyfn_log sas
  refute_output --partial "sig="
  pyfn_stop sas
}

@test "blob secrets: storage unreachable at start: the host does not start and names the setting" {
  local port
  port=$(pyfn_free_port)
  pyfn_start -w -n down -e AzureWebJobsSecretStorageType=blob \
    -e "AzureWebJobsStorage=DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$port/devstoreaccount1" \
    prod-host
  pyfn_wait_exit down 30
  [ "$exit_status" -ne 0 ] || fail "exit status 0"
  assert_log -n down "Function keys in blob storage \(AzureWebJobsStorage\), account devstoreaccount1, azure-webjobs-secrets/.*: AzureWebJobsStorage: account devstoreaccount1: GetBlob azure-webjobs-secrets/.*/host.json: .*the host does not start without them"
  refute_log -n down "keeping them in memory"
}

@test "blob secrets: without a connection the host does not start, naming both settings" {
  pyfn_start -w -n noconn -e AzureWebJobsSecretStorageType=blob prod-host
  pyfn_wait_exit noconn 30
  [ "$exit_status" -ne 0 ] || fail "exit status 0"
  assert_log -n noconn "AzureWebJobsSecretStorageType=blob needs AzureWebJobsStorage .* or AzureWebJobsSecretStorageSas"
}
