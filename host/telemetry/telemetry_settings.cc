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

// The traces URL: the signal-specific endpoint as is, else the base endpoint
// with "/v1/traces" appended (the OTLP exporter specification's rule).
std::string TracesUrl(const Env& env) {
  std::string url = Trim(Get(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"));
  if (!url.empty()) return url;
  std::string base = Trim(Get(env, "OTEL_EXPORTER_OTLP_ENDPOINT"));
  if (base.empty()) base = "http://localhost:4318";
  if (base.back() != '/') base += '/';
  return base + "v1/traces";
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
  const bool endpoint = !Trim(Get(env, "OTEL_EXPORTER_OTLP_ENDPOINT")).empty() ||
                        !Trim(Get(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")).empty();
  if (AsciiLower(Trim(Get(env, "OTEL_SDK_DISABLED"))) == "true") {
    s.why = "OTEL_SDK_DISABLED=true";
    return s;
  }
  std::string exporter = AsciiLower(Trim(Get(env, "OTEL_TRACES_EXPORTER")));
  if (exporter == "none") {
    s.why = "OTEL_TRACES_EXPORTER=none";
    return s;
  }
  if (!otel_mode && !endpoint) {
    s.why = "no OTLP endpoint and host.json telemetryMode is not OpenTelemetry";
    return s;
  }
  if (!exporter.empty() && exporter != "otlp")
    s.warnings.push_back("OTEL_TRACES_EXPORTER='" + exporter +
                         "' is not supported; pyfn-host exports over OTLP");
  s.traces_enabled = true;
  s.why = otel_mode ? "host.json telemetryMode is OpenTelemetry" : "an OTLP endpoint is set";
  s.traces_url = TracesUrl(env);

  std::string protocol = Trim(Get(env, "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"));
  if (protocol.empty()) protocol = Trim(Get(env, "OTEL_EXPORTER_OTLP_PROTOCOL"));
  if (!protocol.empty() && protocol != "http/json")
    s.warnings.push_back("OTEL_EXPORTER_OTLP_PROTOCOL='" + protocol +
                         "' is not supported by pyfn-host; spans are sent as http/json "
                         "(OTLP/HTTP with the JSON encoding, which OTLP collectors accept on "
                         "the same port)");

  std::string warning;
  for (const char* name : {"OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_TRACES_HEADERS"}) {
    for (auto& kv : ParseKeyValueList(Get(env, name), name, &warning)) {
      for (auto it = s.headers.begin(); it != s.headers.end();)
        it = AsciiLower(it->first) == AsciiLower(kv.first) ? s.headers.erase(it) : it + 1;
      s.headers.push_back(std::move(kv));
    }
  }
  long long timeout = s.timeout.count();
  ReadPositive(env, "OTEL_EXPORTER_OTLP_TIMEOUT", &timeout, &s.warnings);
  ReadPositive(env, "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", &timeout, &s.warnings);
  s.timeout = std::chrono::milliseconds(timeout);

  // Resource: OTEL_SERVICE_NAME wins over service.name in OTEL_RESOURCE_ATTRIBUTES.
  auto attrs = ParseKeyValueList(Get(env, "OTEL_RESOURCE_ATTRIBUTES"), "OTEL_RESOURCE_ATTRIBUTES",
                                 &warning);
  std::string service = Trim(Get(env, "OTEL_SERVICE_NAME"));
  for (const auto& kv : attrs)
    if (service.empty() && kv.first == "service.name") service = kv.second;
  if (service.empty()) service = Trim(Get(env, "WEBSITE_SITE_NAME"));
  if (service.empty()) service = "unknown_service:pyfn-host";
  s.resource.emplace_back("service.name", service);
  bool has_instance = false;
  for (auto& kv : attrs) {
    if (kv.first == "service.name") continue;
    has_instance = has_instance || kv.first == "service.instance.id";
    s.resource.emplace_back(kv.first, kv.second);
  }
  if (!has_instance) s.resource.emplace_back("service.instance.id", host_name);
  s.resource.emplace_back("telemetry.sdk.name", std::string("pyfn-host"));
  s.resource.emplace_back("telemetry.sdk.language", std::string("cpp"));
  s.resource.emplace_back("telemetry.sdk.version", version);
  s.resource.emplace_back("process.pid", static_cast<int64_t>(::getpid()));
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
    s.warnings.push_back("OTEL_BSP_MAX_EXPORT_BATCH_SIZE is above OTEL_BSP_MAX_QUEUE_SIZE; "
                         "using the queue size");
    s.batch.max_export_batch_size = s.batch.max_queue_size;
  }
  return s;
}

}  // namespace telemetry
}  // namespace pyfn
