#include "host/telemetry/telemetry_settings.h"

#include <unistd.h>

#include <cstdlib>

#include "host/common/strings.h"
#include "host/storage/encoding.h"

namespace pyfn {
namespace telemetry {
namespace {

using Env = std::map<std::string, std::string>;

std::string Get(const Env& env, const std::string& name) {
  auto it = env.find(name);
  return it == env.end() ? "" : it->second;
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

// A positive integer setting; its default (with a warning) when malformed.
template <typename T>
void ReadPositive(const Env& env, const std::string& name, T* out,
                  std::vector<std::string>* warnings) {
  std::string v = Trim(Get(env, name));
  if (v.empty()) return;
  char* end = nullptr;
  long long n = std::strtoll(v.c_str(), &end, 10);
  if (end == v.c_str() || *end != '\0' || n <= 0) {
    warnings->push_back(name + "='" + v + "' is not a positive integer; using the default");
    return;
  }
  *out = T(n);
}

// A signal's URL: the signal-specific endpoint as is, else the base endpoint
// with "/v1/<signal>" appended (the OTLP exporter specification's rule).
std::string SignalUrl(const Env& env, const std::string& signal) {
  std::string url = Trim(Get(env, "OTEL_EXPORTER_OTLP_" + AsciiUpper(signal) + "_ENDPOINT"));
  if (!url.empty()) return url;
  std::string base = Trim(Get(env, "OTEL_EXPORTER_OTLP_ENDPOINT"));
  if (base.empty()) base = "http://localhost:4318";
  if (base.back() != '/') base += '/';
  return base + "v1/" + signal;
}

void Warn(std::vector<std::string>* warnings, std::string w) {
  for (const auto& x : *warnings)
    if (x == w) return;
  warnings->push_back(std::move(w));
}

// Whether `signal` ("traces", "metrics") is exported, and why (or why not)
// in *why. `exporter_setting` is OTEL_TRACES_EXPORTER or OTEL_METRICS_EXPORTER.
// *protocol: its OTEL_EXPORTER_OTLP_(<SIGNAL>_)PROTOCOL, when the signal's
// exporter can send protobuf (null: JSON only).
bool SignalEnabled(const Env& env, bool otel_mode, const std::string& signal,
                   const std::string& exporter_setting, std::string* why,
                   std::vector<std::string>* warnings, OtlpProtocol* protocol_out = nullptr) {
  std::string exporter = AsciiLower(Trim(Get(env, exporter_setting)));
  if (exporter == "none") {
    *why = exporter_setting + "=none";
    return false;
  }
  const bool endpoint =
      !Trim(Get(env, "OTEL_EXPORTER_OTLP_ENDPOINT")).empty() ||
      !Trim(Get(env, "OTEL_EXPORTER_OTLP_" + AsciiUpper(signal) + "_ENDPOINT")).empty();
  if (!otel_mode && !endpoint) {
    *why = "no OTLP endpoint and host.json telemetryMode is not OpenTelemetry";
    return false;
  }
  if (!exporter.empty() && exporter != "otlp")
    Warn(warnings, exporter_setting + "='" + exporter +
                       "' is not supported; pyfn-host exports over OTLP");
  *why = otel_mode ? "host.json telemetryMode is OpenTelemetry" : "an OTLP endpoint is set";
  const std::string upper = AsciiUpper(signal);
  std::string protocol_setting = "OTEL_EXPORTER_OTLP_" + upper + "_PROTOCOL";
  std::string protocol = Trim(Get(env, protocol_setting));
  if (protocol.empty()) {
    protocol_setting = "OTEL_EXPORTER_OTLP_PROTOCOL";
    protocol = Trim(Get(env, protocol_setting));
  }
  if (protocol == "http/protobuf" && protocol_out != nullptr) {
    *protocol_out = OtlpProtocol::kHttpProtobuf;
  } else if (protocol == "http/protobuf") {
    Warn(warnings, protocol_setting + "='http/protobuf': pyfn-host sends " + signal +
                       " as http/json (OTLP/HTTP with the JSON encoding, which OTLP collectors "
                       "accept on the same port)");
  } else if (!protocol.empty() && protocol != "http/json") {
    Warn(warnings, protocol_setting + "='" + protocol +
                       "' is not supported by pyfn-host; it sends http/json (OTLP/HTTP with "
                       "the JSON encoding, which OTLP collectors accept on the same port)");
  }
  return true;
}

// OTEL_EXPORTER_OTLP_HEADERS, then the signal's own (which win, by name).
std::vector<std::pair<std::string, std::string>> SignalHeaders(const Env& env,
                                                               const std::string& signal,
                                                               std::string* warning) {
  std::vector<std::pair<std::string, std::string>> headers;
  for (const std::string& name :
       {std::string("OTEL_EXPORTER_OTLP_HEADERS"),
        "OTEL_EXPORTER_OTLP_" + AsciiUpper(signal) + "_HEADERS"}) {
    for (auto& kv : ParseKeyValueList(Get(env, name), name, warning)) {
      for (auto it = headers.begin(); it != headers.end();)
        it = AsciiLower(it->first) == AsciiLower(kv.first) ? headers.erase(it) : it + 1;
      headers.push_back(std::move(kv));
    }
  }
  return headers;
}

std::chrono::milliseconds SignalTimeout(const Env& env, const std::string& signal,
                                        std::vector<std::string>* warnings) {
  long long timeout = 10000;
  std::vector<std::string> w;
  ReadPositive(env, "OTEL_EXPORTER_OTLP_TIMEOUT", &timeout, &w);
  ReadPositive(env, "OTEL_EXPORTER_OTLP_" + AsciiUpper(signal) + "_TIMEOUT", &timeout, &w);
  for (auto& x : w) Warn(warnings, std::move(x));
  return std::chrono::milliseconds(timeout);
}

Attributes ReadResource(const Env& env, const std::string& host_name, const std::string& version,
                        std::string* warning) {
  // OTEL_SERVICE_NAME wins over service.name in OTEL_RESOURCE_ATTRIBUTES.
  auto attrs = ParseKeyValueList(Get(env, "OTEL_RESOURCE_ATTRIBUTES"), "OTEL_RESOURCE_ATTRIBUTES",
                                 warning);
  Attributes resource;
  std::string service = Trim(Get(env, "OTEL_SERVICE_NAME"));
  for (const auto& kv : attrs)
    if (service.empty() && kv.first == "service.name") service = kv.second;
  if (service.empty()) service = Trim(Get(env, "WEBSITE_SITE_NAME"));
  if (service.empty()) service = "unknown_service:pyfn-host";
  resource.emplace_back("service.name", service);
  bool has_instance = false;
  for (auto& kv : attrs) {
    if (kv.first == "service.name") continue;
    has_instance = has_instance || kv.first == "service.instance.id";
    resource.emplace_back(kv.first, kv.second);
  }
  if (!has_instance) resource.emplace_back("service.instance.id", host_name);
  resource.emplace_back("telemetry.sdk.name", std::string("pyfn-host"));
  resource.emplace_back("telemetry.sdk.language", std::string("cpp"));
  resource.emplace_back("telemetry.sdk.version", version);
  resource.emplace_back("process.pid", static_cast<int64_t>(::getpid()));
  return resource;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> ParseKeyValueList(const std::string& text,
                                                                   const std::string& setting,
                                                                   std::string* warning) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t comma = text.find(',', pos);
    if (comma == std::string::npos) comma = text.size();
    std::string member = Trim(text.substr(pos, comma - pos));
    pos = comma + 1;
    if (member.empty()) continue;
    size_t eq = member.find('=');
    std::string key = eq == std::string::npos ? "" : Trim(member.substr(0, eq));
    if (key.empty()) {
      *warning = setting + " has a member that is not key=value ('" + member + "'); it is ignored";
      continue;
    }
    out.emplace_back(key, storage::UrlDecode(Trim(member.substr(eq + 1))));
  }
  return out;
}

TelemetrySettings ReadTelemetrySettings(const Env& env, const nlohmann::json& host_json,
                                        const std::string& host_name, const std::string& version) {
  TelemetrySettings s;
  std::string mode;
  if (host_json.is_object()) {
    auto it = host_json.find("telemetryMode");
    if (it != host_json.end() && it->is_string()) mode = it->get<std::string>();
  }
  const bool otel_mode = AsciiLower(mode) == "opentelemetry";
  if (!mode.empty() && !otel_mode && AsciiLower(mode) != "applicationinsights")
    s.warnings.push_back("host.json telemetryMode '" + mode +
                         "' is neither OpenTelemetry nor ApplicationInsights; ignored");
  if (AsciiLower(Trim(Get(env, "OTEL_SDK_DISABLED"))) == "true") {
    s.why = s.metrics.why = "OTEL_SDK_DISABLED=true";
    return s;
  }
  s.traces_enabled = SignalEnabled(env, otel_mode, "traces", "OTEL_TRACES_EXPORTER", &s.why,
                                   &s.warnings, &s.traces_protocol);
  s.metrics.enabled = SignalEnabled(env, otel_mode, "metrics", "OTEL_METRICS_EXPORTER",
                                    &s.metrics.why, &s.warnings);
  if (!s.traces_enabled && !s.metrics.enabled) return s;

  std::string warning;
  if (s.traces_enabled) {
    s.traces_url = SignalUrl(env, "traces");
    s.headers = SignalHeaders(env, "traces", &warning);
    s.timeout = SignalTimeout(env, "traces", &s.warnings);
  }
  if (s.metrics.enabled) {
    s.metrics.url = SignalUrl(env, "metrics");
    s.metrics.headers = SignalHeaders(env, "metrics", &warning);
    s.metrics.timeout = SignalTimeout(env, "metrics", &s.warnings);
    long long interval = s.metrics.interval.count(), timeout = s.metrics.export_timeout.count();
    ReadPositive(env, "OTEL_METRIC_EXPORT_INTERVAL", &interval, &s.warnings);
    ReadPositive(env, "OTEL_METRIC_EXPORT_TIMEOUT", &timeout, &s.warnings);
    s.metrics.interval = std::chrono::milliseconds(interval);
    s.metrics.export_timeout = std::chrono::milliseconds(timeout);
    std::string temporality =
        AsciiLower(Trim(Get(env, "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE")));
    if (!temporality.empty() && temporality != "cumulative")
      s.warnings.push_back("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE='" + temporality +
                           "' is not supported; pyfn-host exports cumulative metrics");
  }
  s.resource = ReadResource(env, host_name, version, &warning);
  if (!warning.empty()) s.warnings.push_back(warning);

  std::string sampler_warning;
  s.sampler = Sampler::Parse(Trim(Get(env, "OTEL_TRACES_SAMPLER")),
                             Trim(Get(env, "OTEL_TRACES_SAMPLER_ARG")), &sampler_warning);
  if (!sampler_warning.empty()) s.warnings.push_back(sampler_warning);

  ReadPositive(env, "OTEL_BSP_MAX_QUEUE_SIZE", &s.batch.max_queue_size, &s.warnings);
  long long delay = s.batch.schedule_delay.count(), export_timeout = s.batch.export_timeout.count();
  ReadPositive(env, "OTEL_BSP_SCHEDULE_DELAY", &delay, &s.warnings);
  ReadPositive(env, "OTEL_BSP_EXPORT_TIMEOUT", &export_timeout, &s.warnings);
  s.batch.schedule_delay = std::chrono::milliseconds(delay);
  s.batch.export_timeout = std::chrono::milliseconds(export_timeout);
  ReadPositive(env, "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", &s.batch.max_export_batch_size,
               &s.warnings);
  if (s.batch.max_export_batch_size > s.batch.max_queue_size) {
    s.warnings.emplace_back(
        "OTEL_BSP_MAX_EXPORT_BATCH_SIZE is above OTEL_BSP_MAX_QUEUE_SIZE; "
        "using the queue size");
    s.batch.max_export_batch_size = s.batch.max_queue_size;
  }
  return s;
}

}  // namespace telemetry
}  // namespace pyfn
