#!/usr/bin/env bats
# Spec row B5: blob triggers (polling, receipts, poison queue), against Azurite.
# App: tests/apps/storage-blobtrigger.

load helpers/common
load helpers/storage

setup_file() {
  azurite_start
  pyfn_start_storage -e AzureFunctionsWebHost__hostid=blobtrigger-test storage-blobtrigger
}

teardown_file() {
  pyfn_stop_all
  azurite_stop
}

@test "B5: a new blob matching the path pattern runs the function once" {
  storage put-blob uploads/first.txt 'first blob'
  storage_wait 20 get-blob processed/first.txt || fail "no output; $(pyfn_log | tail -20)"
  assert_output 'FIRST BLOB'
  assert_log "blob trigger: uploads/first\.txt \(10 bytes, length 10\)"
  assert_log "Executing 'Functions\.on_upload' \(Reason='New blob detected\(LogsAndContainerScan\): uploads/first\.txt'"
  sleep 3
  [ "$(pyfn_log_count "blob trigger: uploads/first\.txt")" -eq 1 ]
}

@test "B5: blobs that do not match the pattern do not trigger" {
  storage put-blob uploads/image.png 'not text'
  sleep 3
  refute_log "uploads/image\.png"
}

@test "B5: a changed blob (new ETag) runs again; an unchanged one not even after a restart" {
  storage put-blob uploads/second.txt 'v1'
  assert_log -t 20 "blob trigger: uploads/second\.txt \(2 bytes"
  pyfn_stop
  pyfn_start_storage -e AzureFunctionsWebHost__hostid=blobtrigger-test storage-blobtrigger
  sleep 4
  refute_log "blob trigger: uploads/(first|second)\.txt"
  storage put-blob uploads/second.txt 'version 2'
  assert_log -t 20 "blob trigger: uploads/second\.txt \(9 bytes"
  assert_storage_eventually 10 'VERSION 2' get-blob processed/second.txt
}

@test "B5: a blob whose function fails 5 times goes to webjobs-blobtrigger-poison" {
  storage put-blob poison-me/bad.bin 'bad'
  storage_wait 60 peek webjobs-blobtrigger-poison || fail "nothing poisoned; $(pyfn_log | tail -30)"
  [ "$(json_get "$output" .Type)" = BlobTrigger ]
  [ "$(json_get "$output" .FunctionId)" = Host.Functions.always_fails ]
  [ "$(json_get "$output" .ContainerName)" = poison-me ]
  [ "$(json_get "$output" .BlobName)" = bad.bin ]
  [ "$(pyfn_log | grep -c "Executing 'Functions.always_fails'")" -eq 5 ]
  assert_log "always_fails on 'bad'"
  sleep 3
  [ "$(pyfn_log | grep -c "Executing 'Functions.always_fails'")" -eq 5 ]
}
