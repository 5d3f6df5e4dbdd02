// Turning telemetry on: what Host::Start calls.
#ifndef PYFN_HOST_TELEMETRY_TELEMETRY_H_
#define PYFN_HOST_TELEMETRY_TELEMETRY_H_

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <string>

#include "host/telemetry/metric_exporter.h"
#include "host/telemetry/tracer.h"

namespace pyfn {
namespace telemetry {

struct Telemetry {
  std::unique_ptr<Tracer> tracer;  // null when tracing is off
  // Null when the metrics export is off; not started (MetricExporter::Start).
  std::unique_ptr<MetricExporter> metrics;
};

// Reads the settings (telemetry_settings.h) once, logs their warnings and one
// line per signal saying whether it is on and where it goes, and returns the
// Tracer with its exporter thread running and the MetricExporter that will
// export what `collect` returns.
Telemetry StartTelemetry(const std::map<std::string, std::string>& env,
                         const nlohmann::json& host_json, const std::string& host_name,
                         const std::string& version, MetricExporter::Collect collect);

}  // namespace telemetry
}  // namespace pyfn

#endif  // PYFN_HOST_TELEMETRY_TELEMETRY_H_
