// Spans the encoder tests share (tests only): one of each kind of field an
// encoder writes, with values whose encodings are easy to check by eye.
#ifndef PYFN_HOST_TELEMETRY_SPAN_FIXTURES_H_
#define PYFN_HOST_TELEMETRY_SPAN_FIXTURES_H_

#include <cstdint>
#include <string>

#include "host/telemetry/span.h"

namespace pyfn {
namespace telemetry {

// A finished server span with a parent, a tracestate, an ERROR status and one
// attribute of every value type: string, int (200 and -1), bool, double.
inline SpanData SampleServerSpan() {
  SpanData s;
  s.name = "GET";
  s.kind = SpanKind::kServer;
  s.trace_id = "0af7651916cd43dd8448eb211c80319c";
  s.span_id = "b7ad6b7169203331";
  s.parent_span_id = "00f067aa0ba902b7";
  s.trace_state = "a=1";
  s.start_unix_nano = 1700000000000000001ULL;
  s.end_unix_nano = 1700000000000000002ULL;
  s.attributes = {{"http.request.method", std::string("GET")},
                  {"http.response.status_code", int64_t{200}},
                  {"negative", int64_t{-1}},
                  {"ok", true},
                  {"ratio", 0.5}};
  s.status = StatusCode::kError;
  s.status_message = "HTTP 500";
  return s;
}

}  // namespace telemetry
}  // namespace pyfn

#endif  // PYFN_HOST_TELEMETRY_SPAN_FIXTURES_H_
