#!/usr/bin/env bats
# Spec rows L7 and R4: app settings are environment variables; local.settings.json Values
# join them when run locally, and a real environment variable wins. App: tests/apps/settings.

load helpers/common

setup_file() {
  pyfn_start -e 'PYFN_TEST_OVERRIDDEN=value from the real environment' \
             -e 'PYFN_TEST_REAL_ONLY=real only' settings
}

teardown_file() {
  pyfn_stop_all
}

@test "R4: an app setting in the environment is seen by os.environ and os.getenv" {
  http_request GET '/api/env?name=PYFN_TEST_REAL_ONLY'
  assert_http_status 200
  assert_equal "$(http_json .environ)" 'real only'
  assert_equal "$(http_json .getenv)" 'real only'
}

@test "R4: an unset setting is None for os.environ.get and os.getenv" {
  http_request GET '/api/env?name=PYFN_TEST_NEVER_SET'
  assert_http_status 200
  assert_equal "$(http_json .environ)" null
  assert_equal "$(http_json .getenv)" null
}

@test "R4: AzureWebJobsScriptRoot names the app folder" {
  http_request GET '/api/env?name=AzureWebJobsScriptRoot'
  assert_http_status 200
  if [ "$PYFN_TARGET" = image ]; then
    assert_equal "$(http_json .environ)" /home/site/wwwroot
  else
    assert_equal "$(http_json .environ)" "$PYFN_APPS/settings"
  fi
}

@test "L7: local.settings.json Values become environment variables when run locally" {
  require_native "local.settings.json is a local-run file; an image gets settings from its environment"
  http_request GET '/api/env?name=PYFN_TEST_FROM_LOCAL_SETTINGS'
  assert_http_status 200
  assert_equal "$(http_json .environ)" 'value from local.settings.json'
}

@test "L7: a real environment variable wins over local.settings.json" {
  http_request GET '/api/env?name=PYFN_TEST_OVERRIDDEN'
  assert_http_status 200
  assert_equal "$(http_json .environ)" 'value from the real environment'
}
