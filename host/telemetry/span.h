// Spans as the host records them, and W3C trace context parsing.
//
// A SpanContext is what travels (traceparent/tracestate); a SpanData is one
// finished span as the exporter sends it (OTLP's Span message, in the host's
// own plain form). Ids are lower-case hex strings, as OTLP/JSON writes them.
#ifndef PYFN_HOST_TELEMETRY_SPAN_H_
#define PYFN_HOST_TELEMETRY_SPAN_H_

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace pyfn {
namespace telemetry {

struct SpanContext {
  std::string trace_id;     // 32 hex digits; empty: no context
  std::string span_id;      // 16 hex digits
  bool sampled = false;     // trace-flags bit 0
  std::string trace_state;  // tracestate as received, "" when none
  bool remote = false;      // parsed from a traceparent (not made here)

  bool valid() const { return !trace_id.empty(); }
  // "00-<trace id>-<span id>-01|00".
  std::string Traceparent() const;
};

// Parses a traceparent (W3C Trace Context level 1: version 00, or a later
// version's first four fields). False, leaving *out alone, for anything
// invalid (all-zero ids, upper-case hex, version ff, wrong lengths).
bool ParseTraceparent(const std::string& traceparent, const std::string& tracestate,
                      SpanContext* out);

std::string NewTraceId();  // 32 random hex digits, not all zero
std::string NewSpanId();   // 16 random hex digits, not all zero

// OTLP's Span.SpanKind numbers.
enum class SpanKind { kInternal = 1, kServer = 2, kClient = 3, kProducer = 4, kConsumer = 5 };
// OTLP's Status.StatusCode numbers.
enum class StatusCode { kUnset = 0, kOk = 1, kError = 2 };

using AttributeValue = std::variant<std::string, int64_t, bool, double>;
using Attributes = std::vector<std::pair<std::string, AttributeValue>>;

struct SpanData {
  std::string name;
  SpanKind kind = SpanKind::kInternal;
  std::string trace_id;
  std::string span_id;
  std::string parent_span_id;  // "" for a root span
  std::string trace_state;
  uint64_t start_unix_nano = 0;
  uint64_t end_unix_nano = 0;
  Attributes attributes;
  StatusCode status = StatusCode::kUnset;
  std::string status_message;
};

// Nanoseconds since the Unix epoch, from the system clock.
uint64_t NowUnixNano();

}  // namespace telemetry
}  // namespace pyfn

#endif  // PYFN_HOST_TELEMETRY_SPAN_H_
