#!/usr/bin/env bats
# The decorator model's ASGI and WSGI apps (docs/behaviour.md, v2): AsgiFunctionApp serving FastAPI
# (tests/apps/v2-asgi) and WsgiFunctionApp serving Flask (tests/apps/v2-wsgi); their
# function_app.py docstrings say what they answer. FastAPI, Starlette, Flask and their
# dependencies are Debian's packages of the cell's release, fetched at test time
# (tests/helpers/fetch-debian-python.sh) into copies of the apps under $BATS_FILE_TMPDIR;
# nothing fetched is committed.

load helpers/common

setup_file() {
  local asgi wsgi
  asgi=$(pyfn_copy_app v2-asgi)
  pyfn_add_debian_python -r "$PYFN_DEBIAN_RELEASE" -d "$asgi" \
    python3-fastapi python3-starlette python3-pydantic python3-anyio
  wsgi=$(pyfn_copy_app v2-wsgi)
  pyfn_add_debian_python -r "$PYFN_DEBIAN_RELEASE" -d "$wsgi" \
    python3-flask python3-werkzeug python3-jinja2
  pyfn_start -n asgi "$asgi"
  pyfn_start -n wsgi "$wsgi"
}

teardown_file() {
  pyfn_stop_all
}

# ---- v2-asgi (FastAPI) ------------------------------------------------------------------

@test "v2-asgi: startup lists the one catch-all function with its URL (routePrefix empty)" {
  assert_log -n asgi 'Worker indexing found 1 function\(s\)'
  assert_log -n asgi "  http_app_func: \[[A-Z,]+\] http://localhost:[0-9]+/\{\*route\}$"
}

@test "v2-asgi: the AsgiFunctionApp is served over the worker's streaming endpoint (HttpUri)" {
  assert_log -n asgi 'serves HTTP functions over http://127\.0\.0\.1:[0-9]+/ \(streaming HTTP\)'
}

@test "v2-asgi: a FastAPI path parameter route answers JSON" {
  http_request -n asgi GET /hello/Ada
  assert_http_status 200
  assert_http_header Content-Type '^application/json'
  assert_equal "$(http_json .message)" 'Hello, Ada.'
}

@test "v2-asgi: the ASGI lifespan startup ran before the first request" {
  http_request -n asgi GET /startup
  assert_http_status 200
  assert_equal "$(http_json .started)" true
}

@test "v2-asgi: a POST body comes back byte for byte with its content type and length" {
  printf 'a\000b\377c' >"$BATS_TEST_TMPDIR/body"
  http_request -n asgi POST /echo -H 'Content-Type: application/x-pyfn' \
    --data-binary "@$BATS_TEST_TMPDIR/body"
  assert_http_status 200
  assert_equal "$(http_body_hex)" 610062ff63
  assert_http_header Content-Type '^application/x-pyfn'
  assert_http_header X-Echo-Length '^5$'
}

@test "v2-asgi: the app's own status code comes through" {
  http_request -n asgi GET /status/418
  assert_http_status 418
  assert_equal "$(http_json .status)" 418
}

@test "v2-asgi: two Set-Cookie headers stay separate" {
  http_request -n asgi GET /cookies
  assert_http_status 200
  assert_output 'two cookies'
  run http_header Set-Cookie
  assert_equal "${#lines[@]}" 2
  assert_line --index 0 --regexp '^a=1(;|$)'
  assert_line --index 1 --regexp '^b=2(;|$)'
}

@test "v2-asgi: the query string reaches the app" {
  http_request -n asgi GET '/query?x=1&y=2'
  assert_http_status 200
  assert_equal "$(http_json .x)" 1
  assert_equal "$(http_json .y)" 2
}

@test "v2-asgi: an unknown path gets FastAPI's own 404" {
  http_request -n asgi GET /nope
  assert_http_status 404
  assert_equal "$(http_json .detail)" 'Not Found'
}

@test "v2-asgi: SIGTERM runs the ASGI lifespan shutdown" {
  local dir="$BATS_FILE_TMPDIR/lifespan" logf
  mkdir -p "$dir"
  chmod 777 "$dir"
  if [ "$PYFN_TARGET" = native ]; then
    logf="$dir/log"
    pyfn_start -n asgistop -e "PYFN_LIFESPAN_LOG=$logf" "$BATS_FILE_TMPDIR/apps/v2-asgi"
  else
    logf=/lifespan/log
    pyfn_start -n asgistop -e "PYFN_LIFESPAN_LOG=$logf" -a "-v" -a "$dir:/lifespan" \
      "$BATS_FILE_TMPDIR/apps/v2-asgi"
  fi
  http_request -n asgistop GET /startup
  assert_http_status 200
  assert_equal "$(http_json .started)" true
  assert_file_not_exists "$dir/log"
  if [ "$PYFN_TARGET" = native ]; then
    local pid i
    pid=$(pyfn_pid asgistop)
    kill -TERM "$pid"
    for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  else
    pyfn_engine stop -t 30 "$(pyfn_container asgistop)" >/dev/null
  fi
  pyfn_stop asgistop
  assert_file_exists "$dir/log"
  assert_equal "$(cat "$dir/log")" shutdown
}

# ---- v2-wsgi (Flask) --------------------------------------------------------------------

@test "v2-wsgi: startup lists the one catch-all function with its URL" {
  assert_log -n wsgi 'Worker indexing found 1 function\(s\)'
  assert_log -n wsgi "  http_app_func: \[[A-Z,]+\] http://localhost:[0-9]+/api/\{\*route\}$"
}

@test "v2-wsgi: a Flask route with a path parameter answers text/html" {
  http_request -n wsgi GET /api/hello/Ada
  assert_http_status 200
  assert_output 'Hello, Ada.'
  assert_http_header Content-Type '^text/html; *charset=utf-8$'
}

@test "v2-wsgi: a POST body comes back byte for byte with its content type" {
  printf 'a\000b\377c' >"$BATS_TEST_TMPDIR/body"
  http_request -n wsgi POST /api/echo -H 'Content-Type: application/x-pyfn' \
    --data-binary "@$BATS_TEST_TMPDIR/body"
  assert_http_status 200
  assert_equal "$(http_body_hex)" 610062ff63
  assert_http_header Content-Type '^application/x-pyfn'
}

@test "v2-wsgi: a JSON body is parsed and jsonify answers 201" {
  http_request -n wsgi POST /api/json -H 'Content-Type: application/json' -d '{"n": 21}'
  assert_http_status 201
  assert_equal "$(http_json .doubled)" 42
}

@test "v2-wsgi: an urlencoded form reaches request.form" {
  http_request -n wsgi POST /api/form -d 'a=1&b=2'
  assert_http_status 200
  assert_equal "$(http_json .a)" 1
  assert_equal "$(http_json .b)" 2
}

@test "v2-wsgi: request headers and the URL path reach the WSGI environ" {
  http_request -n wsgi GET /api/headers -H 'X-Test: yes'
  assert_http_status 200
  assert_equal "$(http_json '.["x-test"]')" yes
  assert_equal "$(http_json .path)" /api/headers
}

@test "v2-wsgi: two Set-Cookie headers stay separate" {
  http_request -n wsgi GET /api/cookies
  assert_http_status 200
  assert_output 'two cookies'
  run http_header Set-Cookie
  assert_equal "${#lines[@]}" 2
  assert_line --index 0 --regexp '^a=1(;|$)'
  assert_line --index 1 --regexp '^b=2(;|$)'
}

@test "v2-wsgi: an unknown path gets Flask's own 404" {
  http_request -n wsgi GET /api/nope
  assert_http_status 404
  assert_output --partial 'Not Found'
}
