// OTLP/JSON encoding of spans: the body of one POST to <endpoint>/v1/traces
// (an ExportTraceServiceRequest in the protobuf JSON mapping with OTLP's
// rules: ids as hex strings, enums as numbers, 64-bit integers as strings,
// lowerCamelCase field names).
#ifndef PYFN_HOST_TELEMETRY_OTLP_JSON_H_
#define PYFN_HOST_TELEMETRY_OTLP_JSON_H_

#include <string>
#include <vector>

#include "host/telemetry/span.h"

namespace pyfn {
namespace telemetry {

// One resourceSpans with `resource`, one scopeSpans (scope "pyfn-host",
// `scope_version`) holding `spans` in order.
std::string EncodeTraceRequest(const Attributes& resource, const std::string& scope_version,
                               const std::vector<SpanData>& spans);

}  // namespace telemetry
}  // namespace pyfn

#endif  // PYFN_HOST_TELEMETRY_OTLP_JSON_H_
