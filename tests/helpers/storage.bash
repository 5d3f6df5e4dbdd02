# Azurite for the storage tests (B5-B7). Load after common: `load helpers/storage`.
# One Azurite per test file, on free loopback ports, data under $BATS_FILE_TMPDIR/azurite.
#
#   azurite_start          start Azurite (scripts/azurite.sh); exports AZURITE_DIR,
#                          AZURITE_CONNECTION_STRING, AZURITE_BLOB_PORT, AZURITE_QUEUE_PORT,
#                          AZURITE_TABLE_PORT.
#                          Skips the file's tests (saying why) when Azurite or node is not
#                          installed (`make deps`).
#   azurite_stop           stop it and delete its data (teardown_file)
#   azurite_down           stop it but keep its data and ports (an outage)
#   azurite_up             start it again on the same ports with the same data
#   pyfn_start_storage [pyfn_start options] APP
#                          pyfn_start with AzureWebJobsStorage set to this Azurite
#   storage CMD ARGS...    tests/helpers/storage-client.py (put-message, peek, count,
#                          get-blob, put-blob, list-blobs; see its docstring)
#   storage_wait SECS CMD ARGS...   retry `storage CMD ARGS` until it succeeds and prints
#                          something (status 1 after SECS seconds); output in $output
#   assert_storage_eventually SECS EXPECTED CMD ARGS...
#                          wait until `storage CMD ARGS` prints exactly EXPECTED, else fail
#                          showing the last output and the host log

azurite_start() {
  if [ "$PYFN_TARGET" = image ] && ! pyfn_engine_host_network; then
    skip "the container cannot reach Azurite on this machine's loopback (needs host networking)"
  fi
  export AZURITE_DIR="$BATS_FILE_TMPDIR/azurite"
  local rc=0 out
  out=$("$PYFN_ROOT/scripts/azurite.sh" start "$AZURITE_DIR" 2>"$BATS_FILE_TMPDIR/azurite.err") || rc=$?
  if [ "$rc" = 2 ]; then
    skip "Azurite is not installed: $(cat "$BATS_FILE_TMPDIR/azurite.err")"
  fi
  if [ "$rc" != 0 ]; then
    cat "$BATS_FILE_TMPDIR/azurite.err" >&2
    return 1
  fi
  export AZURITE_CONNECTION_STRING="$out"
  AZURITE_BLOB_PORT=$(cat "$AZURITE_DIR/blob-port")
  AZURITE_QUEUE_PORT=$(cat "$AZURITE_DIR/queue-port")
  AZURITE_TABLE_PORT=$(cat "$AZURITE_DIR/table-port")
  export AZURITE_BLOB_PORT AZURITE_QUEUE_PORT AZURITE_TABLE_PORT
}

azurite_stop() {
  [ -n "${AZURITE_DIR:-}" ] || return 0
  "$PYFN_ROOT/scripts/azurite.sh" stop "$AZURITE_DIR" || true
}

azurite_down() {
  local pid
  pid=$(cat "$AZURITE_DIR/azurite.pid" 2>/dev/null) || return 0
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL -- "-$pid" 2>/dev/null || true
}

azurite_up() {
  local azurite="${PYFN_AZURITE_BIN:-$PYFN_ROOT/node_modules/.bin/azurite}"
  setsid "$azurite" --silent --disableTelemetry --location "$AZURITE_DIR/data" \
    --blobHost 127.0.0.1 --blobPort "$AZURITE_BLOB_PORT" \
    --queueHost 127.0.0.1 --queuePort "$AZURITE_QUEUE_PORT" \
    --tableHost 127.0.0.1 --tablePort "${AZURITE_TABLE_PORT:-0}" \
    </dev/null >>"$AZURITE_DIR/azurite.log" 2>&1 3>&- &
  echo $! >"$AZURITE_DIR/azurite.pid"
  for _ in $(seq 1 100); do
    if curl -s -o /dev/null "http://127.0.0.1:$AZURITE_QUEUE_PORT/" &&
       curl -s -o /dev/null "http://127.0.0.1:$AZURITE_BLOB_PORT/"; then
      return 0
    fi
    sleep 0.1
  done
  echo "azurite_up: Azurite did not come back on ports $AZURITE_BLOB_PORT/$AZURITE_QUEUE_PORT" >&2
  tail -20 "$AZURITE_DIR/azurite.log" >&2
  return 1
}

pyfn_start_storage() {
  local -a args=()
  while [ $# -gt 1 ]; do args+=("$1"); shift; done
  pyfn_start -e "AzureWebJobsStorage=$AZURITE_CONNECTION_STRING" "${args[@]}" "$1"
}

storage() {
  AZURITE_CONNECTION_STRING="$AZURITE_CONNECTION_STRING" \
    /usr/bin/python3 "$PYFN_ROOT/tests/helpers/storage-client.py" "$@"
}

storage_wait() {
  local secs="$1" deadline
  shift
  deadline=$(($(date +%s) + secs))
  while :; do
    if output=$(storage "$@" 2>/dev/null) && [ -n "$output" ]; then return 0; fi
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

assert_storage_eventually() {
  local secs="$1" expected="$2" deadline
  shift 2
  deadline=$(($(date +%s) + secs))
  while :; do
    output=$(storage "$@" 2>&1) || true
    [ "$output" = "$expected" ] && return 0
    if [ "$(date +%s)" -ge "$deadline" ]; then
      {
        echo "-- storage did not reach the expected state in ${secs}s --"
        echo "command  : storage $*"
        echo "expected : $expected"
        echo "actual   : $output"
        echo "--"
        pyfn_dump_log "${HTTP_INSTANCE:-app}" 40
      } | fail
      return 1
    fi
    sleep 0.2
  done
}
