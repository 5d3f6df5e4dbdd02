#!/usr/bin/env bats
# Spec B3, function keys (docs/behaviour.md, host-keys). Azure's secrets files (AzureWebJobsSecretStorageType
# files), authLevel function/admin, the key admin API, keys from the environment, keys of a
# deleted function. App: tests/apps/prod-host.

load helpers/common
load helpers/prod

setup_file() {
  if [ "$PYFN_TARGET" = native ]; then
    export PROD_SECRETS="$BATS_FILE_TMPDIR/secrets"
  else
    export PROD_SECRETS=/tmp/secrets
  fi
  pyfn_start -e "AzureWebJobsSecretStoragePath=$PROD_SECRETS" prod-host
}

teardown_file() {
  pyfn_stop_all
}

master() { prod_key_json '.masterKey.value'; }
host_key() { prod_key_json '.functionKeys[] | select(.name == "default") | .value'; }
fn_key() { prod_secret_file "$1.json" | jq -r '.keys[] | select(.name == "default") | .value'; }

@test "B3: the host writes Azure's secrets files, mode 0600, with random keys" {
  run prod_secret_file host.json
  assert_success
  assert_equal "$(master | wc -c)" 55   # 54 characters of base64url and the newline
  assert_not_equal "$(master)" "$(host_key)"
  run jq -r '.masterKey.name, .masterKey.encrypted, .functionKeys[0].name, .source' <<<"$(prod_secret_file host.json)"
  assert_output $'master\nfalse\ndefault\nruntime'
  for f in fn_a fn_b adm anon; do
    run fn_key "$f"
    assert_success
    assert_output --regexp '^[A-Za-z0-9_-]{54}$'
  done
  assert_not_equal "$(fn_key fn_a)" "$(fn_key fn_b)"
  if [ "$PYFN_TARGET" = native ]; then
    assert_equal "$(stat -c %a "$PROD_SECRETS/host.json")" 600
    assert_equal "$(stat -c %a "$PROD_SECRETS/fn_a.json")" 600
    assert_equal "$(stat -c %a "$PROD_SECRETS")" 700
  fi
}

@test "B3: every function-level function refuses a missing key, a wrong key and another function's key" {
  local fn other
  for fn in fn_a fn_b; do
    other=fn_a; [ "$fn" = fn_a ] && other=fn_b
    http_request GET "/api/$fn"
    assert_http_status 401
    assert_equal "$HTTP_BODY" ""
    prod_with_key "wrong-key-0123456789abcdef" GET "/api/$fn"
    assert_http_status 401
    prod_with_key "$(fn_key "$other")" GET "/api/$fn"
    assert_http_status 401
    http_request GET "/api/$fn?code=$(fn_key "$other")"
    assert_http_status 401
    prod_with_key "$(fn_key adm)" GET "/api/$fn"
    assert_http_status 401
    prod_with_key "$(fn_key "$fn")" GET "/api/$fn"
    assert_http_status 200
    http_request GET "/api/$fn?code=$(fn_key "$fn")"
    assert_http_status 200
  done
}

@test "B3: a host key and the master key open every function-level function" {
  for fn in fn_a fn_b; do
    prod_with_key "$(host_key)" GET "/api/$fn"
    assert_http_status 200
    http_request GET "/api/$fn?code=$(master)"
    assert_http_status 200
  done
}

@test "B3: an admin-level function takes the master key only" {
  http_request GET /api/adm
  assert_http_status 401
  prod_with_key "$(fn_key adm)" GET /api/adm
  assert_http_status 401
  prod_with_key "$(host_key)" GET /api/adm
  assert_http_status 401
  prod_with_key "$(fn_key fn_a)" GET /api/adm
  assert_http_status 401
  prod_with_key "$(master)" GET /api/adm
  assert_http_status 200
  assert_output admin
}

@test "B3: an anonymous function needs no key, and a wrong key does not hurt" {
  http_request GET /api/anon
  assert_http_status 200
  prod_with_key nonsense-key-0123456789 GET /api/anon
  assert_http_status 200
}

@test "B3: a key that is a prefix or an extension of the right key is refused" {
  local k
  k=$(fn_key fn_a)
  prod_with_key "${k%?}" GET /api/fn_a
  assert_http_status 401
  prod_with_key "${k}x" GET /api/fn_a
  assert_http_status 401
}

@test "key admin API: every route refuses a request without the master key" {
  local path method key
  for path in /admin/host/keys /admin/host/keys/default /admin/functions/fn_a/keys \
      /admin/functions/fn_a/keys/default /admin/metrics; do
    for method in GET POST PUT DELETE; do
      http_request "$method" "$path"
      assert_http_status 401
      for key in "$(host_key)" "$(fn_key fn_a)" wrong-key-0123456789abcdef; do
        prod_with_key "$key" "$method" "$path"
        assert_http_status 401
      done
    done
  done
}

@test "key admin API: GET lists host keys and function keys in Azure's shape" {
  prod_with_key "$(master)" GET /admin/host/keys
  assert_http_status 200
  assert_equal "$(http_json '.keys[] | select(.name == "default") | .value')" "$(host_key)"
  assert_equal "$(http_json '.links[0].rel')" self
  prod_with_key "$(master)" GET /admin/functions/fn_a/keys
  assert_http_status 200
  assert_equal "$(http_json '.keys[0].name')" default
  assert_equal "$(http_json '.keys[0].value')" "$(fn_key fn_a)"
  prod_with_key "$(master)" GET /admin/functions/fn_a/keys/default
  assert_http_status 200
  assert_equal "$(http_json '.name + " " + .value')" "default $(fn_key fn_a)"
  prod_with_key "$(master)" GET /admin/functions/fn_a/keys/nope
  assert_http_status 404
  prod_with_key "$(master)" GET /admin/functions/no_such_function/keys
  assert_http_status 404
}

@test "key admin API: PUT sets a function key that works, DELETE removes it and it stops working" {
  local v=put-key-value-0123456789abcdefXYZ
  prod_with_key "$(master)" PUT /admin/functions/fn_a/keys/mykey \
    -H 'Content-Type: application/json' -d "{\"name\": \"mykey\", \"value\": \"$v\"}"
  assert_http_status 201
  assert_equal "$(http_json '.name + " " + .value')" "mykey $v"
  run prod_secret_file fn_a.json
  assert_output --partial "$v"
  prod_with_key "$v" GET /api/fn_a
  assert_http_status 200
  prod_with_key "$v" GET /api/fn_b
  assert_http_status 401
  # A second PUT updates (200).
  prod_with_key "$(master)" PUT /admin/functions/fn_a/keys/mykey -d "{\"name\": \"mykey\", \"value\": \"${v}2\"}"
  assert_http_status 200
  prod_with_key "$v" GET /api/fn_a
  assert_http_status 401
  prod_with_key "$(master)" DELETE /admin/functions/fn_a/keys/mykey
  assert_http_status 204
  prod_with_key "${v}2" GET /api/fn_a
  assert_http_status 401
  run prod_secret_file fn_a.json
  refute_output --partial "$v"
  prod_with_key "$(master)" DELETE /admin/functions/fn_a/keys/mykey
  assert_http_status 404
}

@test "key admin API: POST generates a host key (201, then 200 with a new value) usable everywhere" {
  prod_with_key "$(master)" POST /admin/host/keys/generated
  assert_http_status 201
  local k1
  k1=$(http_json .value)
  assert [ "${#k1}" -ge 40 ]
  prod_with_key "$k1" GET /api/fn_b
  assert_http_status 200
  prod_with_key "$(master)" POST /admin/host/keys/generated
  assert_http_status 200
  assert_not_equal "$(http_json .value)" "$k1"
  prod_with_key "$k1" GET /api/fn_b
  assert_http_status 401
  prod_with_key "$(master)" DELETE /admin/host/keys/generated
  assert_http_status 204
}

@test "key admin API: bad values, system key names and unknown functions are refused" {
  prod_with_key "$(master)" PUT /admin/functions/fn_a/keys/short -d '{"name": "short", "value": "abc"}'
  assert_http_status 400
  prod_with_key "$(master)" PUT /admin/functions/fn_a/keys/nobody -d 'not json'
  assert_http_status 400
  prod_with_key "$(master)" DELETE /admin/host/keys/_master
  assert_http_status 400
  prod_with_key "$(master)" POST /admin/functions/no_such_function/keys/x
  assert_http_status 404
}

@test "key admin API: PUT _master replaces the master key; the old one stops working" {
  local old new=new-master-key-0123456789abcdefABCDEF
  old=$(master)
  prod_with_key "$old" PUT /admin/host/keys/_master -d "{\"name\": \"_master\", \"value\": \"$new\"}"
  assert_http_status 200
  assert_equal "$(master)" "$new"
  prod_with_key "$old" GET /admin/host/keys
  assert_http_status 401
  prod_with_key "$new" GET /api/adm
  assert_http_status 200
}

@test "keys never appear in the host log" {
  local k log
  log=$(pyfn_log)
  for k in "$(master)" "$(host_key)" "$(fn_key fn_a)" "$(fn_key fn_b)" "$(fn_key adm)" \
      put-key-value-0123456789abcdefXYZ; do
    run grep -cF -- "$k" <<<"$log"
    assert_output 0
  done
  assert_log 'Function keys: files in '
}

@test "keys of a function deleted from the app stop working and its secrets file goes" {
  [ "$PYFN_TARGET" = native ] || skip "needs a writable copy of the app"
  local app old_b
  old_b=$(fn_key fn_b)
  app=$(pyfn_copy_app prod-host)
  rm -rf "$app/fn_b"
  pyfn_stop app
  pyfn_start -n copy -e "AzureWebJobsSecretStoragePath=$PROD_SECRETS" "$app"
  assert_file_not_exist "$PROD_SECRETS/fn_b.json"
  assert_file_exist "$PROD_SECRETS/fn_a.json"
  http_request -n copy GET "/api/fn_a?code=$old_b"
  assert_http_status 401
  http_request -n copy GET "/api/fn_b?code=$old_b"
  assert_http_status 404
  http_request -n copy GET /admin/functions/fn_b/keys -H "x-functions-key: $(master)"
  assert_http_status 404
  pyfn_stop copy
}

@test "PYFN_MASTER_KEY and PYFN_FUNCTION_KEY give containers known keys without a secrets directory" {
  local m=env-master-key-0123456789abcdef f=env-function-key-0123456789abcdef
  pyfn_start -n env -e AzureWebJobsSecretStorageType=memory -e "PYFN_MASTER_KEY=$m" \
    -e "PYFN_FUNCTION_KEY=$f" prod-host
  http_request -n env GET /api/fn_a -H "x-functions-key: $f"
  assert_http_status 200
  http_request -n env GET "/api/adm?code=$m"
  assert_http_status 200
  http_request -n env GET /api/adm -H "x-functions-key: $f"
  assert_http_status 401
  http_request -n env GET /admin/host/keys -H "x-functions-key: $m"
  assert_http_status 200
  http_request -n env GET /api/fn_a
  assert_http_status 401
  run grep -cF -e "$m" -e "$f" <<<"$(pyfn_log env)"
  assert_output 0
  pyfn_stop env
}

# ---- read-only keys (Kubernetes: a Secret mounted read-only, or keys in the environment) ----

# assert_read_only_answer NAME KEY: every change through the key admin API of instance NAME
# answers 403 with {"error": <why>, "code": "KeysReadOnly"}; reading still works.
assert_read_only_answer() {
  local name="$1" key="$2" why="$3" req
  for req in "PUT /admin/host/keys/k" "POST /admin/host/keys/k" "DELETE /admin/host/keys/default" \
      "PUT /admin/host/keys/_master" "PUT /admin/functions/fn_a/keys/k" \
      "POST /admin/functions/fn_a/keys/k" "DELETE /admin/functions/fn_a/keys/default"; do
    http_request -n "$name" ${req% *} "${req#* }" -H "x-functions-key: $key" \
      -d '{"name": "k", "value": "read-only-test-value-0123456789"}'
    assert_http_status 403
    assert_equal "$(http_json .code)" KeysReadOnly
    [[ "$(http_json .error)" == *"$why"* ]] || fail "error '$(http_json .error)' lacks '$why'"
  done
  http_request -n "$name" GET /admin/host/keys -H "x-functions-key: $key"
  assert_http_status 200
  pyfn_alive "$name"
}

@test "keys from PYFN_MASTER_KEY/PYFN_FUNCTION_KEY cannot be changed through the API (403, JSON reason); other keys can" {
  local m=ro-master-key-0123456789abcdef f=ro-function-key-0123456789abcdef
  pyfn_start -n roenv -e AzureWebJobsSecretStorageType=memory -e "PYFN_MASTER_KEY=$m" \
    -e "PYFN_FUNCTION_KEY=$f" prod-host
  http_request -n roenv PUT /admin/host/keys/_master -H "x-functions-key: $m" \
    -d '{"name": "_master", "value": "read-only-test-value-0123456789"}'
  assert_http_status 403
  assert_equal "$(http_json .code)" KeysReadOnly
  [[ "$(http_json .error)" == *PYFN_MASTER_KEY* ]] || fail "error '$(http_json .error)'"
  http_request -n roenv DELETE /admin/host/keys/default -H "x-functions-key: $m"
  assert_http_status 403
  [[ "$(http_json .error)" == *PYFN_FUNCTION_KEY* ]] || fail "error '$(http_json .error)'"
  http_request -n roenv PUT /admin/host/keys/extra -H "x-functions-key: $m" \
    -d '{"name": "extra", "value": "extra-host-key-0123456789abcdef"}'
  assert_http_status 201
  http_request -n roenv GET /api/fn_a -H "x-functions-key: extra-host-key-0123456789abcdef"
  assert_http_status 200
  http_request -n roenv GET /api/fn_a -H "x-functions-key: $f"
  assert_http_status 200
  pyfn_stop roenv
}

@test "read-only keys: a read-only secrets directory (a mounted Secret) is used, changes answer 403" {
  local dir="$BATS_FILE_TMPDIR/ro-secrets" m=mounted-master-key-0123456789abcdef
  mkdir -p "$dir"
  printf '%s\n' "{\"masterKey\": {\"name\": \"master\", \"value\": \"$m\", \"encrypted\": false}," \
    '"functionKeys": [{"name": "default", "value": "mounted-host-key-0123456789abcdef", "encrypted": false}],' \
    '"systemKeys": []}' >"$dir/host.json"
  printf '%s\n' '{"keys": [{"name": "default", "value": "mounted-fn-a-key-0123456789abcdef", "encrypted": false}]}' \
    >"$dir/fn_a.json"
  chmod 755 "$dir"; chmod 644 "$dir"/*.json
  if [ "$PYFN_TARGET" = native ]; then
    # A read-only bind mount in a mount namespace of its own (root can write anything else).
    [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null || skip "needs root and unshare -m for a read-only mount"
    _start_with_read_only_secrets rosecret "$dir"
  else
    pyfn_start -n rosecret -a "--volume=$dir:/secrets:ro" -e AzureWebJobsSecretStoragePath=/secrets prod-host
  fi
  assert_read_only_answer rosecret "$m" "read-only secrets directory"
  http_request -n rosecret GET /api/fn_a -H "x-functions-key: mounted-fn-a-key-0123456789abcdef"
  assert_http_status 200
  # fn_b has no keys there: the host key opens it, nothing is written.
  http_request -n rosecret GET /api/fn_b -H "x-functions-key: mounted-host-key-0123456789abcdef"
  assert_http_status 200
  refute_log -n rosecret -t 0 '\[error\].*(Keys of function|Cannot store)'
  assert_file_not_exist "$dir/fn_b.json"
  pyfn_stop rosecret
}

# _start_with_read_only_secrets NAME DIR: pyfn_start's native branch, with DIR bind-mounted
# read-only over itself in a private mount namespace of the host.
_start_with_read_only_secrets() {
  local name="$1" dir="$2" state port app
  state=$(_pyfn_state "$name")
  rm -rf "$state"; mkdir -p "$state"
  port=$(pyfn_free_port)
  app=$(pyfn_app_dir prod-host)
  printf '%s\n' "$port" >"$state/port"
  printf '%s\n' "$state/host.log" >"$state/logpath"
  printf '%s\n' "$app" >"$state/app"
  echo native >"$state/kind"
  (
    cd "$app" || exit 1
    exec env "AzureWebJobsSecretStoragePath=$dir" setsid unshare -m sh -c \
      'mount --bind -o ro "$1" "$1" && exec "$2" --script-root "$3" --port "$4"' \
      sh "$dir" "$PYFN_BIN/pyfn-host" "$app" "$port"
  ) </dev/null >"$state/host.log" 2>&1 3>&- &
  echo $! >"$state/pid"
  pyfn_wait_ready "$name"
}
