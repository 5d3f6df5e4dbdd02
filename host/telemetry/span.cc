#include "host/telemetry/span.h"

#include <chrono>

#include "host/workers/trace_context.h"

namespace pyfn {
namespace telemetry {
namespace {

template <size_t N>
HexId<N> NonZeroHex() {
  HexId<N> id;
  do FillRandomHex(id.mutable_data(), N);
  while (std::string_view(id.mutable_data(), N).find_first_not_of('0') == std::string_view::npos);
  id.set_full();
  return id;
}

}  // namespace

std::string SpanContext::Traceparent() const {
  std::string tp;
  WriteTraceparent(&tp);
  return tp;
}

void SpanContext::WriteTraceparent(std::string* out) const {
  out->clear();
  out->reserve(3 + trace_id.size() + 1 + span_id.size() + 3);
  out->append("00-", 3);
  out->append(trace_id.data(), trace_id.size());
  out->push_back('-');
  out->append(span_id.data(), span_id.size());
  out->append(sampled ? "-01" : "-00", 3);
}

bool ParseTraceparent(const std::string& traceparent, const std::string& tracestate,
                      SpanContext* out) {
  if (!IsValidTraceparent(traceparent)) return false;
  SpanContext c;
  c.trace_id = std::string_view(traceparent).substr(3, 32);
  c.span_id = std::string_view(traceparent).substr(36, 16);
  const char f = traceparent[54];
  const int low = f >= 'a' ? f - 'a' + 10 : f - '0';
  c.sampled = (low & 1) != 0;
  c.trace_state = tracestate;
  c.remote = true;
  *out = std::move(c);
  return true;
}

TraceId NewTraceId() { return NonZeroHex<32>(); }
SpanId NewSpanId() { return NonZeroHex<16>(); }

uint64_t NowUnixNano() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

}  // namespace telemetry
}  // namespace pyfn
