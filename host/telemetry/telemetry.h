// Turning tracing on: what Host::Start calls.
#ifndef PYFN_HOST_TELEMETRY_TELEMETRY_H_
#define PYFN_HOST_TELEMETRY_TELEMETRY_H_

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <string>

#include "host/telemetry/tracer.h"

namespace pyfn {
namespace telemetry {

// Reads the settings (telemetry_settings.h), logs their warnings and one line
// saying whether tracing is on, where spans go and with which sampler, and
// returns the Tracer with its exporter thread running; null when tracing is off.
std::unique_ptr<Tracer> StartTracing(const std::map<std::string, std::string>& env,
                                     const nlohmann::json& host_json, const std::string& host_name,
                                     const std::string& version);

}  // namespace telemetry
}  // namespace pyfn

#endif  // PYFN_HOST_TELEMETRY_TELEMETRY_H_
