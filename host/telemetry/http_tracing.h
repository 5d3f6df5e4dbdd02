// The server span of one HTTP request the host answers.
//
// TraceHttpRequest starts a SERVER span named after the method, a child of
// the request's traceparent/tracestate when they are valid (else a new
// trace), puts the span's traceparent in request->trace_parent (the
// invocation span's parent) and wraps *respond so that the answer ends the
// span with http.response.status_code (status ERROR for 5xx) and the body
// sizes http.request.body.size and http.response.body.size. The health
// probes (/admin/health/*) are not traced.
//
// TraceHttpStream does the same for a streamed request (http_stream.h): it
// wraps *stream so that the span gets the status of the response head (or of
// the whole answer), counts the body bytes read and written, and ends when
// the response does: Finish or Respond as above, Abort (the response was cut
// after its head) with status ERROR. HoldServerSpan keeps that span open
// until the callable it returns runs as well (the invocation's end), so that
// it covers the invocation as the buffered answer does; for a stream
// TraceHttpStream did not wrap, it returns a callable that does nothing.
#ifndef PYFN_HOST_TELEMETRY_HTTP_TRACING_H_
#define PYFN_HOST_TELEMETRY_HTTP_TRACING_H_

#include <functional>
#include <memory>

#include "host/http/http_message.h"
#include "host/http/http_stream.h"
#include "host/telemetry/tracer.h"

namespace pyfn {
namespace telemetry {

void TraceHttpRequest(Tracer* tracer, HttpRequest* request,
                      std::function<void(HttpResponse)>* respond);

void TraceHttpStream(Tracer* tracer, HttpRequest* head, std::shared_ptr<HttpStream>* stream);

std::function<void()> HoldServerSpan(const std::shared_ptr<HttpStream>& stream);

}  // namespace telemetry
}  // namespace pyfn

#endif  // PYFN_HOST_TELEMETRY_HTTP_TRACING_H_
