// The settings of the production features (docs/behaviour.md: host-keys, P4, host-limits, host-health, host-metrics): keys, CORS, request
// limits and throttles, metrics, log format. Pure, like settings.h: the
// environment, local.settings.json and host.json come in as values.
// Every setting is listed in ProdHelpText() and host/README.md.
#ifndef PYFN_HOST_PROD_SETTINGS_H_
#define PYFN_HOST_PROD_SETTINGS_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "host/app/app_loader.h"
#include "host/common/status.h"

namespace pyfn {

struct ProdSettings {
  // Keys.
  std::string secret_storage_type = "files";  // AzureWebJobsSecretStorageType: files, blob,
                                              // memory; blob too when only
                                              // AzureWebJobsSecretStorageSas is set
  std::string secrets_path;  // AzureWebJobsSecretStoragePath, else FUNCTIONS_SECRETS_PATH;
                             // empty: $HOME/data/Functions/secrets under Azure's layout
                             // (script root $HOME/site/wwwroot), else keys live in memory
  std::string master_key;    // PYFN_MASTER_KEY
  std::string function_key;  // PYFN_FUNCTION_KEY: the host key "default"

  // CORS: CORS_ALLOWED_ORIGINS / CORS_SUPPORT_CREDENTIALS, else local.settings.json
  // Host.CORS / Host.CORSCredentials. Empty: no CORS headers at all.
  std::vector<std::string> cors_origins;
  bool cors_credentials = false;

  // Limits of the HTTP front end.
  uint32_t max_header_bytes = 32 * 1024;          // PYFN_MAX_REQUEST_HEADERS_SIZE
  uint32_t max_header_count = 100;                // PYFN_MAX_REQUEST_HEADER_COUNT
  std::chrono::seconds headers_timeout{30};       // PYFN_REQUEST_HEADERS_TIMEOUT
  std::chrono::seconds body_timeout{30};          // PYFN_REQUEST_BODY_TIMEOUT (no progress)
  std::chrono::seconds keepalive_timeout{120};    // PYFN_KEEPALIVE_TIMEOUT

  // host.json extensions.http; -1 = unbounded (Azure's default outside Consumption).
  int max_concurrent_requests = -1;
  int max_outstanding_requests = -1;
  bool dynamic_throttles = false;

  // Observability.
  int metrics_port = 0;             // PYFN_METRICS_PORT: /metrics without a key (0: off)
  std::string log_format = "text";  // PYFN_LOG_FORMAT: text, json
};

// Fills `out` from the (merged) environment, local.settings.json's Host
// section and host.json. Errors name the setting.
Status ResolveProdSettings(const Environment& env, const LocalSettings& local,
                           const HostConfig& config, ProdSettings* out);

// "a, b" or a JSON array ["a", "b"] -> {"a", "b"}.
std::vector<std::string> ParseOriginList(const std::string& text);

// The settings part of --help for the above.
std::string ProdHelpText();

}  // namespace pyfn

#endif  // PYFN_HOST_PROD_SETTINGS_H_
