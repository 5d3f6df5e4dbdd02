#include "host/telemetry/telemetry.h"

#include <spdlog/spdlog.h>

namespace pyfn {
namespace telemetry {

std::unique_ptr<Tracer> StartTracing(const std::map<std::string, std::string>& env,
                                     const nlohmann::json& host_json, const std::string& host_name,
                                     const std::string& version) {
  TelemetrySettings s = ReadTelemetrySettings(env, host_json, host_name, version);
  for (const auto& w : s.warnings) spdlog::warn("OpenTelemetry: {}", w);
  if (!s.traces_enabled) {
    spdlog::debug("OpenTelemetry tracing is off ({})", s.why);
    return nullptr;
  }
  spdlog::info("OpenTelemetry tracing is on ({}): spans go to {} (OTLP/HTTP, JSON), sampler {}",
               s.why, s.traces_url, s.sampler.Describe());
  auto exporter = std::make_unique<SpanExporter>(s, version);
  return std::make_unique<Tracer>(s, std::move(exporter));
}

}  // namespace telemetry
}  // namespace pyfn
