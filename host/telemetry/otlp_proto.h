// OTLP/HTTP protobuf encoding (OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf): the
// body of one POST to <endpoint>/v1/traces, an ExportTraceServiceRequest in
// the protobuf wire format (Content-Type application/x-protobuf), written
// directly from the spans (no message objects): ids as bytes (16 and 8),
// times as fixed64, enums and the attribute count as varints, strings as
// UTF-8 (bytes that are not UTF-8 replaced, as the JSON encoding does).
#ifndef PYFN_HOST_TELEMETRY_OTLP_PROTO_H_
#define PYFN_HOST_TELEMETRY_OTLP_PROTO_H_

#include <string>
#include <vector>

#include "host/telemetry/span.h"

namespace pyfn {
namespace telemetry {

// The same request as EncodeTraceRequest (otlp_json.h): one resourceSpans with
// `resource`, one scopeSpans (scope "pyfn-host", `scope_version`) holding
// `spans` in order.
std::string EncodeTraceRequestProto(const Attributes& resource, const std::string& scope_version,
                                    const std::vector<SpanData>& spans);

}  // namespace telemetry
}  // namespace pyfn

#endif  // PYFN_HOST_TELEMETRY_OTLP_PROTO_H_
