#include "host/telemetry/span.h"

#include <chrono>

#include "host/workers/trace_context.h"

namespace pyfn {
namespace telemetry {
namespace {

bool AllZero(const std::string& s) { return s.find_first_not_of('0') == std::string::npos; }

std::string NonZeroHex(size_t n) {
  std::string id;
  do id = RandomHex(n);
  while (AllZero(id));
  return id;
}

}  // namespace

std::string SpanContext::Traceparent() const {
  return "00-" + trace_id + "-" + span_id + (sampled ? "-01" : "-00");
}

bool ParseTraceparent(const std::string& traceparent, const std::string& tracestate,
                      SpanContext* out) {
  if (!IsValidTraceparent(traceparent)) return false;
  SpanContext c;
  c.trace_id = traceparent.substr(3, 32);
  c.span_id = traceparent.substr(36, 16);
  const char f = traceparent[54];
  const int low = f >= 'a' ? f - 'a' + 10 : f - '0';
  c.sampled = (low & 1) != 0;
  c.trace_state = tracestate;
  c.remote = true;
  *out = std::move(c);
  return true;
}

std::string NewTraceId() { return NonZeroHex(32); }
std::string NewSpanId() { return NonZeroHex(16); }

uint64_t NowUnixNano() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

}  // namespace telemetry
}  // namespace pyfn
