#!/usr/bin/env bats
# Two hosts on one storage account (docs/behaviour.md, storage-scale): each queue message handled once, each timer
# occurrence fired once, takeover when the timer's host stops; and an Azurite outage: triggers
# back off and recover, HTTP functions fail clearly and recover. App: tests/apps/storage-twohosts.

load helpers/common
load helpers/storage

setup_file() {
  azurite_start
  pyfn_start_storage -n a -e AzureFunctionsWebHost__hostid=twohosts storage-twohosts
  pyfn_start_storage -n b -e AzureFunctionsWebHost__hostid=twohosts storage-twohosts
}

teardown_file() {
  pyfn_stop_all
  azurite_stop
}

handled() {  # handled: "handled mN" lines of both hosts, one body per line
  { pyfn_log a; pyfn_log b; } | grep -Eo 'handled m[0-9]+$' | sed 's/^handled //'
}

@test "two hosts: each queue message is handled exactly once" {
  local n=200
  storage put-many shared-items "$n" m
  local deadline=$(($(date +%s) + 60))
  while [ "$(handled | sort -u | wc -l)" -lt "$n" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "only $(handled | sort -u | wc -l) of $n handled"
    sleep 0.3
  done
  sleep 2
  [ "$(handled | wc -l)" -eq "$n" ] || fail "$(handled | wc -l) handlings for $n messages: $(handled | sort | uniq -d | head)"
  echo "host a handled $(pyfn_log a | grep -c 'handled m'), host b $(pyfn_log b | grep -c 'handled m')" >&3
  assert_storage_eventually 10 0 count shared-items
}

@test "two hosts: each timer occurrence fires on one host only" {
  sleep 8
  local a b
  a=$(pyfn_log_count -n a "Functions.tick .*: tick")
  b=$(pyfn_log_count -n b "Functions.tick .*: tick")
  [ $((a + b)) -ge 3 ] || fail "a=$a b=$b ticks in 8 s"
  [ "$a" -eq 0 ] || [ "$b" -eq 0 ] || fail "both hosts fired the timer: a=$a b=$b"
  local dup
  dup=$({ pyfn_log a; pyfn_log b; } | sed -n "s/.*Executing 'Functions.tick' (Reason='Timer fired at \([^']*\)'.*/\1/p" | sort | uniq -d)
  [ -z "$dup" ] || fail "occurrences fired twice: $dup"
}

@test "two hosts: the other host takes the timer over when its host stops" {
  local holder other
  if [ "$(pyfn_log_count -n a "Functions.tick .*: tick")" -gt 0 ]; then holder=a other=b; else holder=b other=a; fi
  pyfn_stop "$holder"
  assert_log -n "$other" -t 40 "Timer trigger 'Functions.tick': this host holds the timer lock"
  assert_log -n "$other" -t 10 "Functions.tick .*: tick"
  pyfn_start_storage -n "$holder" -e AzureFunctionsWebHost__hostid=twohosts storage-twohosts
}

@test "outage: with Azurite down the queue trigger backs off and HTTP blob outputs fail clearly; both recover" {
  azurite_down
  assert_log -n a -t 20 "Queue trigger for 'Functions.handle': polling queue 'shared-items' failed: .*account devstoreaccount1: GetMessages shared-items"
  http_request -n a PUT /api/blob/during.txt --data 'x'
  assert_http_status 500
  assert_log -n a "output binding 'out': account devstoreaccount1: .*outage"
  azurite_up
  http_request -n a PUT /api/blob/after.txt --data 'back'
  assert_http_status 201
  run storage get-blob outage/after.txt
  assert_output 'back'
  storage put-message shared-items 'm999999'
  local deadline=$(($(date +%s) + 30))
  until handled | grep -qx m999999; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "message after the outage not handled"
    sleep 0.3
  done
  assert_log -n a -t 10 "Queue trigger for 'Functions.handle': queue 'shared-items' is reachable again"
}
