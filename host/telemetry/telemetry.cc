#include "host/telemetry/telemetry.h"

#include <spdlog/spdlog.h>

namespace pyfn {
namespace telemetry {

Telemetry StartTelemetry(const std::map<std::string, std::string>& env,
                         const nlohmann::json& host_json, const std::string& host_name,
                         const std::string& version, MetricExporter::Collect collect) {
  TelemetrySettings s = ReadTelemetrySettings(env, host_json, host_name, version);
  for (const auto& w : s.warnings) spdlog::warn("OpenTelemetry: {}", w);
  Telemetry t;
  if (s.traces_enabled) {
    spdlog::info("OpenTelemetry tracing is on ({}): spans go to {} (OTLP/HTTP, JSON), sampler {}",
                 s.why, s.traces_url, s.sampler.Describe());
    t.tracer = std::make_unique<Tracer>(s, std::make_unique<SpanExporter>(s, version));
  } else {
    spdlog::debug("OpenTelemetry tracing is off ({})", s.why);
  }
  if (s.metrics.enabled) {
    spdlog::info("OpenTelemetry metrics are on ({}): exported every {} ms to {} (OTLP/HTTP, JSON)",
                 s.metrics.why, s.metrics.interval.count(), s.metrics.url);
    t.metrics = std::make_unique<MetricExporter>(s, version, std::move(collect));
  } else {
    spdlog::debug("OpenTelemetry metrics export is off ({})", s.metrics.why);
  }
  return t;
}

}  // namespace telemetry
}  // namespace pyfn
