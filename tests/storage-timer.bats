#!/usr/bin/env bats
# Spec row B7: timer triggers (NCRONTAB with seconds, TimeSpan, runOnStartup, useMonitor and
# past_due, time zones, retry policies), against Azurite. App: tests/apps/storage-timer.

load helpers/common
load helpers/storage

HOST_ID=storage-timer-test

setup_file() {
  azurite_start
  pyfn_start_storage -e "AzureFunctionsWebHost__hostid=$HOST_ID" storage-timer
}

teardown_file() {
  pyfn_stop_all
  azurite_stop
}

@test "B7: a six-field NCRONTAB schedule fires every 2 seconds" {
  sleep 7
  local n
  n=$(pyfn_log_count "tick past_due=False")
  [ "$n" -ge 3 ] || fail "tick ran $n times in ~7 s"
  assert_log "Executing 'Functions\.tick' \(Reason='Timer fired at "
}

@test "B7: a TimeSpan schedule (00:00:03) fires every interval" {
  assert_log -t 10 "interval past_due=False"
  sleep 3.5
  [ "$(pyfn_log_count "interval past_due=False")" -ge 2 ]
}

@test "B7: runOnStartup runs the function once when the host starts" {
  assert_log "startup past_due=False"
  sleep 2
  [ "$(pyfn_log_count "startup past_due=False")" -eq 1 ]
}

@test "B7: a retry policy retries a failed occurrence with the retry context" {
  assert_log -t 10 "retried attempt 2 ok"
  assert_log "retried attempt 0 fails \(max 2\)"
  assert_log "retried attempt 1 fails \(max 2\)"
}

@test "L8: an invalid schedule is a load error of that function only" {
  assert_log "Function 'bad_schedule' failed to load: .*hour field '25'"
  refute_log "bad_schedule past_due"
}

@test "B7: useMonitor keeps the schedule status in storage" {
  run storage get-blob "azure-webjobs-hosts/timers/$HOST_ID/Host.Functions.monitored/status"
  assert_success
  [[ "$(json_get "$output" .Next)" =~ ^20[0-9]{2}-01-01T00:00:00 ]]
}

@test "B7: after downtime past a recorded occurrence the function runs with past_due true" {
  pyfn_stop
  storage put-blob "azure-webjobs-hosts/timers/$HOST_ID/Host.Functions.monitored/status" \
    '{"Last":"2020-01-01T00:00:00.0000000+00:00","Next":"2021-01-01T00:00:00.0000000+00:00","LastUpdated":"2020-01-01T00:00:00.0000000+00:00"}'
  pyfn_start_storage -e "AzureFunctionsWebHost__hostid=$HOST_ID" storage-timer
  assert_log -t 15 'monitored past_due=True status=\{"Last": "2020-01-01T00:00:00.0000000\+00:00", "LastUpdated": .*"Next": "2021-01-01T00:00:00'
  # the status moves on to the next real occurrence
  local deadline=$(($(date +%s) + 10))
  while :; do
    run storage get-blob "azure-webjobs-hosts/timers/$HOST_ID/Host.Functions.monitored/status"
    [[ "$(json_get "$output" .Next)" =~ ^202[2-9]|^20[3-9] ]] && [[ ! "$(json_get "$output" .Next)" =~ ^2021 ]] && break
    [ "$(date +%s)" -lt "$deadline" ] || fail "status not updated: $output"
    sleep 0.3
  done
}

@test "B7: WEBSITE_TIME_ZONE puts the schedule in that zone" {
  pyfn_start -n zoned -e WEBSITE_TIME_ZONE=America/New_York storage-timer
  assert_log -n zoned "The next 5 occurrences of the 'zoned' schedule \(Cron: '0 30 9 \* \* \*'\) will be:"
  assert_log -n zoned "^  20[0-9-]+T09:30:00\.0000000-0[45]:00 \(20[0-9-]+T1[34]:30:00Z\)"
  assert_log -n zoned "AzureWebJobsStorage is not set, so the timer runs without a lock"
  pyfn_stop zoned
}
