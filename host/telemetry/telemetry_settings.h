// Which telemetry the host sends and where: the standard OTEL_* environment
// variables and host.json "telemetryMode" (docs/settings.md, "OpenTelemetry").
//
// Tracing is on when host.json says "telemetryMode": "OpenTelemetry" or an
// OTLP endpoint is set (OTEL_EXPORTER_OTLP_ENDPOINT or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT), unless OTEL_SDK_DISABLED=true or
// OTEL_TRACES_EXPORTER=none. The metrics export follows the same rule with
// OTEL_EXPORTER_OTLP_METRICS_ENDPOINT and OTEL_METRICS_EXPORTER. Both go over
// OTLP/HTTP with the JSON encoding, with the same resource.
#ifndef PYFN_HOST_TELEMETRY_TELEMETRY_SETTINGS_H_
#define PYFN_HOST_TELEMETRY_TELEMETRY_SETTINGS_H_

#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "host/telemetry/sampler.h"
#include "host/telemetry/span.h"

namespace pyfn {
namespace telemetry {

// The batch span processor's settings (OTEL_BSP_*), with the SDK's defaults.
struct BatchOptions {
  size_t max_queue_size = 2048;                      // OTEL_BSP_MAX_QUEUE_SIZE
  std::chrono::milliseconds schedule_delay{5000};    // OTEL_BSP_SCHEDULE_DELAY
  size_t max_export_batch_size = 512;                // OTEL_BSP_MAX_EXPORT_BATCH_SIZE
  std::chrono::milliseconds export_timeout{30000};   // OTEL_BSP_EXPORT_TIMEOUT
};

// The periodic metrics export (OTEL_METRIC_EXPORT_*, OTEL_EXPORTER_OTLP_METRICS_*).
struct MetricsExportSettings {
  bool enabled = false;
  std::string why;  // why the export is on or off, for the start-up line
  // The full URL metrics are POSTed to ("http://localhost:4318/v1/metrics").
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;  // OTEL_EXPORTER_OTLP_(METRICS_)HEADERS
  std::chrono::milliseconds timeout{10000};  // OTEL_EXPORTER_OTLP_(METRICS_)TIMEOUT, per request
  std::chrono::milliseconds interval{60000};        // OTEL_METRIC_EXPORT_INTERVAL
  std::chrono::milliseconds export_timeout{30000};  // OTEL_METRIC_EXPORT_TIMEOUT
};

// OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL: the encoding of OTLP/HTTP bodies.
enum class OtlpProtocol { kHttpJson, kHttpProtobuf };

struct TelemetrySettings {
  bool traces_enabled = false;
  std::string why;  // why tracing is on or off, for the start-up line

  // The full URL spans are POSTed to ("http://localhost:4318/v1/traces").
  std::string traces_url;
  std::vector<std::pair<std::string, std::string>> headers;  // OTEL_EXPORTER_OTLP_(TRACES_)HEADERS
  std::chrono::milliseconds timeout{10000};  // OTEL_EXPORTER_OTLP_(TRACES_)TIMEOUT, per request
  // OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL: http/json (default) or http/protobuf.
  OtlpProtocol traces_protocol = OtlpProtocol::kHttpJson;

  Attributes resource;  // service.name first, then OTEL_RESOURCE_ATTRIBUTES and pyfn's own
  Sampler sampler;
  BatchOptions batch;
  MetricsExportSettings metrics;

  // Settings that were wrong or unsupported, each a sentence; the host logs
  // them as warnings. A bad value never turns tracing off: its default is used.
  std::vector<std::string> warnings;
};

// Reads the settings from the host's environment (local.settings.json Values
// merged) and host.json. `host_name` and `version` fill service.instance.id
// and telemetry.sdk.version.
TelemetrySettings ReadTelemetrySettings(const std::map<std::string, std::string>& env,
                                        const nlohmann::json& host_json,
                                        const std::string& host_name, const std::string& version);

// "k1=v1,k2=v2" (OTEL_EXPORTER_OTLP_HEADERS, OTEL_RESOURCE_ATTRIBUTES): keys
// and values trimmed, values percent-decoded. A member without "=" or with an
// empty key is skipped and named in *warning.
std::vector<std::pair<std::string, std::string>> ParseKeyValueList(const std::string& text,
                                                                   const std::string& setting,
                                                                   std::string* warning);

}  // namespace telemetry
}  // namespace pyfn

#endif  // PYFN_HOST_TELEMETRY_TELEMETRY_SETTINGS_H_
