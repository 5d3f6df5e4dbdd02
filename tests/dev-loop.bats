#!/usr/bin/env bats
# Developing with pyfn-host (docs/behaviour.md "dev-loop"): workers start in
# the script root with the environment Azure's host gives them, GET / says the app is up, and
# an edit to the app's files reaches the next request without a host restart or a lost request.
# Apps: tests/apps/dev-loop (function.json), tests/apps/dev-loop-v2 (decorators), copied so the
# tests can edit them. The host is started from / (tests/helpers/app.bash).

load helpers/common

setup_file() {
  APP_COPY=$(pyfn_copy_app dev-loop)
  # Where the worker sees the app: the copy natively, the mount point in a container.
  ROOT=$APP_COPY
  [ "$PYFN_TARGET" = native ] || ROOT=/home/site/wwwroot
  export APP_COPY ROOT
  pyfn_start "$APP_COPY"
}

teardown_file() {
  pyfn_stop_all
}

# restarts [NAME]: how often the workers restarted with changed files so far.
restarts() {
  pyfn_log_count -n "${1:-app}" 'The language workers restarted with the changed files'
}

# wait_restarts NAME N: until the workers restarted N times (20 s).
wait_restarts() {
  local i
  for i in $(seq 1 200); do
    [ "$(restarts "$1")" -ge "$2" ] && return 0
    sleep 0.1
  done
  echo "the workers of '$1' did not restart $2 time(s)" >&2
  pyfn_dump_log "$1" 60 >&2
  return 1
}

@test "workers run in the script root, though the host was started elsewhere" {
  http_request GET /api/where
  assert_http_status 200
  [ "$(json_get "$output" .cwd)" = "$ROOT" ]
  [ "$(json_get "$output" .root_on_path)" = true ]
  [ "$(json_get "$output" .data)" = "read through a relative path" ]
  [ "$(json_get "$output" .function_directory)" = "$ROOT/where" ]
}

@test "workers get Azure's environment: script root, application and worker directories" {
  http_request GET /api/where
  [ "$(json_get "$output" .AzureWebJobsScriptRoot)" = "$ROOT" ]
  [ "$(json_get "$output" .FUNCTIONS_APPLICATION_DIRECTORY)" = "$ROOT" ]
  local wdir
  wdir=$(json_get "$output" .FUNCTIONS_WORKER_DIRECTORY)
  [[ "$wdir" == */lib/pyfn/workers/python ]]
  if [ "$PYFN_TARGET" = native ]; then
    [ -f "$wdir/worker.config.json" ]
    [ "$(json_get "$output" .SETTING_FROM_LOCAL)" = one ]  # images never read local.settings.json
  fi
}

@test "a worker started Azure's way (python -m) sees the script root as cwd and sys.path[0]" {
  require_native "languageWorkers__python__* point at this machine's python3"
  pyfn_start -n probe -w \
    -e languageWorkers__python__defaultExecutablePath=/usr/bin/python3 \
    -e "languageWorkers__python__arguments=-m probe_worker" \
    -e "PYTHONPATH=$PYFN_ROOT/tests/helpers" \
    "$APP_COPY"
  pyfn_wait_log -n probe -t 20 'probe \{' || { pyfn_dump_log probe 40; false; }
  local line
  line=$(pyfn_log probe | grep -m1 -o 'probe {.*' | cut -c7-)
  run /usr/bin/python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(d["cwd"], d["sys_path_0"], d["FUNCTIONS_APPLICATION_DIRECTORY"], "--port" in d["args"])' "$line"
  [ "$output" = "$APP_COPY $APP_COPY $APP_COPY True" ]
  pyfn_stop probe
}

@test "GET / answers that the app is up, listing the HTTP functions only while developing" {
  http_request GET /
  assert_http_status 200
  assert_http_header Content-Type 'text/html; charset=utf-8'
  [[ "$output" == *"Your function app is up and running"* ]]
  if [ "$PYFN_TARGET" = native ]; then
    [[ "$output" == *"hello: <code>[GET] http://localhost:"*"/api/hello</code>"* ]]
  else
    # The image's app folder is not the host user's to write: no file watching, no list.
    [[ "$output" != *"/api/hello"* ]]
  fi
  http_request GET /nothing-here
  assert_http_status 404
}

@test "GET / is 204 with AzureWebJobsDisableHomepage=true" {
  pyfn_start -n nohome -e AzureWebJobsDisableHomepage=true "$APP_COPY"
  http_request -n nohome GET /
  assert_http_status 204
  [ -z "$output" ]
  pyfn_stop nohome
}

@test "an edited function answers the next request, without a host restart" {
  require_native "file watching: the image's app folder is read-only to the host"
  local pid before
  pid=$(pyfn_pid)
  before=$(restarts)
  http_request GET /api/hello
  [ "$output" = "hello v1" ]
  sed -i 's/hello v1/hello v2/' "$APP_COPY/hello/__init__.py"  # a save by rename
  wait_restarts app $((before + 1))
  http_request GET /api/hello
  assert_http_status 200
  [ "$output" = "hello v2" ]
  [ "$(pyfn_pid)" = "$pid" ]
  assert_log "File change of type '(Renamed|Changed)' detected for '$APP_COPY/hello/__init__.py'"
}

@test "an invocation in flight during an edit finishes on the old code; the next one runs the new" {
  require_native "file watching: the image's app folder is read-only to the host"
  local before curl_pid
  before=$(restarts)
  curl -sS --max-time 30 -o "$BATS_TEST_TMPDIR/slow.body" -w '%{http_code}' \
    "$(pyfn_url)/api/slow?s=3" >"$BATS_TEST_TMPDIR/slow.status" &
  curl_pid=$!
  pyfn_wait_log -t 10 "Executing 'Functions.slow'"
  printf 'import time\n\nimport azure.functions as func\n\nVERSION = "slow v2"\n\n\ndef main(req: func.HttpRequest) -> func.HttpResponse:\n    time.sleep(float(req.params.get("s", "0")))\n    return func.HttpResponse(VERSION)\n' \
    >"$APP_COPY/slow/__init__.py"  # a save in place
  wait_restarts app $((before + 1))
  http_request GET /api/slow
  [ "$output" = "slow v2" ]
  wait "$curl_pid"
  [ "$(cat "$BATS_TEST_TMPDIR/slow.status")" = 200 ]
  [ "$(cat "$BATS_TEST_TMPDIR/slow.body")" = "slow v1" ]
}

@test "requests sent all through an edit are all answered" {
  require_native "file watching: the image's app folder is read-only to the host"
  local before
  before=$(restarts)
  /usr/bin/python3 - "$(pyfn_url)/api/hello" "$BATS_TEST_TMPDIR/loop.out" <<'EOF' &
import sys, time, urllib.request
url, out = sys.argv[1], sys.argv[2]
codes = []
end = time.time() + 4
while time.time() < end:
    try:
        with urllib.request.urlopen(url, timeout=20) as r:
            codes.append(str(r.status))
    except Exception as e:  # an HTTPError or a refused connection is a lost request
        codes.append(type(e).__name__)
open(out, "w").write("\n".join(codes) + "\n")
EOF
  local loop=$!
  sleep 1
  sed -i 's/hello v[0-9]/hello v3/' "$APP_COPY/hello/__init__.py"
  wait_restarts app $((before + 1))
  wait "$loop"
  [ "$(sort -u "$BATS_TEST_TMPDIR/loop.out")" = 200 ]
  [ "$(wc -l <"$BATS_TEST_TMPDIR/loop.out")" -gt 5 ]
  http_request GET /api/hello
  [ "$output" = "hello v3" ]
}

@test "a function folder added and removed while serving gets and loses its route" {
  require_native "file watching: the image's app folder is read-only to the host"
  local before
  before=$(restarts)
  mkdir -p "$APP_COPY/added.tmp"
  cp "$APP_COPY/hello/function.json" "$APP_COPY/added.tmp/"
  printf 'import azure.functions as func\n\n\ndef main(req: func.HttpRequest) -> func.HttpResponse:\n    return func.HttpResponse("added")\n' \
    >"$APP_COPY/added.tmp/__init__.py"
  mv "$APP_COPY/added.tmp" "$APP_COPY/added"
  wait_restarts app $((before + 1))
  http_request GET /api/added
  assert_http_status 200
  [ "$output" = added ]
  rm -rf "$APP_COPY/added"
  wait_restarts app $((before + 2))
  http_request GET /api/added
  assert_http_status 404
}

@test "a watchDirectories folder counts whole; other files do not" {
  require_native "file watching: the image's app folder is read-only to the host"
  local before
  before=$(restarts)
  echo "notes" >"$APP_COPY/notes.txt"
  echo "still" >"$APP_COPY/where/notes.md"
  sleep 1.5
  [ "$(restarts)" = "$before" ]
  echo "changed data" >"$APP_COPY/data/config.txt"
  wait_restarts app $((before + 1))
  http_request GET /api/where
  [ "$(json_get "$output" .data)" = "changed data" ]
}

@test "local.settings.json Values reach the restarted workers; the log says what waits for a restart" {
  require_native "file watching: the image's app folder is read-only to the host"
  local before
  before=$(restarts)
  sed -i 's/"SETTING_FROM_LOCAL": "one"/"SETTING_FROM_LOCAL": "two"/' "$APP_COPY/local.settings.json"
  wait_restarts app $((before + 1))
  http_request GET /api/where
  [ "$(json_get "$output" .SETTING_FROM_LOCAL)" = two ]
  assert_log "local.settings.json changed: the workers get its Values now"
}

@test "fileWatchingEnabled false: edits wait for the next start" {
  require_native "file watching: the image's app folder is read-only to the host"
  local copy="$BATS_TEST_TMPDIR/dev-loop-off"
  cp -a "$(pyfn_app_dir dev-loop)" "$copy"
  pyfn_start -n off -e AzureFunctionsJobHost__fileWatchingEnabled=false "$copy"
  sed -i 's/hello v1/hello v9/' "$copy/hello/__init__.py"
  sleep 1.5
  http_request -n off GET /api/hello
  [ "$output" = "hello v1" ]
  refute_log -n off "File change of type"
  pyfn_stop off
}

@test "decorator app: an edit, an added function, a syntax error and its fix" {
  require_native "file watching: the image's app folder is read-only to the host"
  local copy before
  copy=$(pyfn_copy_app dev-loop-v2)
  pyfn_start -n v2 "$copy"
  http_request -n v2 GET /api/greet
  [ "$output" = "greet v1" ]
  before=$(restarts v2)
  cat >>"$copy/function_app.py" <<'EOF'


@app.route(route="added")
def added(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("added v1")
EOF
  sed -i 's/greet v1/greet v2/' "$copy/function_app.py"
  wait_restarts v2 $((before + 1))
  http_request -n v2 GET /api/greet
  [ "$output" = "greet v2" ]
  http_request -n v2 GET /api/added
  [ "$output" = "added v1" ]
  printf '\ndef broken(:\n' >>"$copy/function_app.py"
  pyfn_wait_log -n v2 -t 20 "SyntaxError" || { pyfn_dump_log v2 60; false; }
  sed -i '/^def broken(:$/d' "$copy/function_app.py"
  local i
  for i in $(seq 1 100); do
    http_request -n v2 GET /api/greet
    [ "$HTTP_STATUS" = 200 ] && break
    sleep 0.2
  done
  [ "$output" = "greet v2" ]
  pyfn_stop v2
}

@test "pyfn-host --help starts a newcomer off" {
  require_native "runs the built pyfn-host"
  run "$PYFN_BIN/pyfn-host" --help
  [ "$status" = 0 ]
  [[ "$output" == *"Getting started:"* ]]
  [[ "$output" == *"x-functions-key"* ]]
  [[ "$output" == *"fileWatchingEnabled"* ]]
  [[ "$output" == *"Ctrl+C"* ]]
}
