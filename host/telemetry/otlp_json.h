// OTLP/JSON encoding: the body of one POST to <endpoint>/v1/traces (an
// ExportTraceServiceRequest) or <endpoint>/v1/metrics (an
// ExportMetricsServiceRequest), in the protobuf JSON mapping with OTLP's
// rules: ids as hex strings, enums as numbers, 64-bit integers (int64,
// fixed64, sfixed64) as strings, doubles as numbers ("NaN", "Infinity" as
// strings), lowerCamelCase field names.
#ifndef PYFN_HOST_TELEMETRY_OTLP_JSON_H_
#define PYFN_HOST_TELEMETRY_OTLP_JSON_H_

#include <cstdint>
#include <string>
#include <vector>

#include "host/metric_family.h"
#include "host/telemetry/span.h"

namespace pyfn {
namespace telemetry {

// One resourceSpans with `resource`, one scopeSpans (scope "pyfn-host",
// `scope_version`) holding `spans` in order.
std::string EncodeTraceRequest(const Attributes& resource, const std::string& scope_version,
                               const std::vector<SpanData>& spans);

// One resourceMetrics with `resource`, one scopeMetrics (scope "pyfn-host",
// `scope_version`) with one Metric per family that has points, named and
// described as in Prometheus (unit from MetricFamily::Unit): counters as
// Sums (cumulative, monotonic, asInt or asDouble), gauges as Gauges,
// histograms as Histograms (cumulative; count, sum, bucketCounts with the
// overflow bucket last, explicitBounds). Every point's timeUnixNano is
// `now_unix_nano`; sums and histograms start at `start_unix_nano` (when the
// host began counting). Labels become string attributes.
std::string EncodeMetricsRequest(const Attributes& resource, const std::string& scope_version,
                                 const std::vector<MetricFamily>& families,
                                 uint64_t start_unix_nano, uint64_t now_unix_nano);

}  // namespace telemetry
}  // namespace pyfn

#endif  // PYFN_HOST_TELEMETRY_OTLP_JSON_H_
