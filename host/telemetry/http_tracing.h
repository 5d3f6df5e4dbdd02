// The server span of one HTTP request the host answers.
//
// TraceHttpRequest starts a SERVER span named after the method, a child of
// the request's traceparent/tracestate when they are valid (else a new
// trace), puts the span's traceparent in request->trace_parent (the
// invocation span's parent) and wraps *respond so that the answer ends the
// span with http.response.status_code (status ERROR for 5xx). The health
// probes (/admin/health/*) are not traced.
#ifndef PYFN_HOST_TELEMETRY_HTTP_TRACING_H_
#define PYFN_HOST_TELEMETRY_HTTP_TRACING_H_

#include <functional>

#include "host/http/http_message.h"
#include "host/telemetry/tracer.h"

namespace pyfn {
namespace telemetry {

void TraceHttpRequest(Tracer* tracer, HttpRequest* request,
                      std::function<void(HttpResponse)>* respond);

}  // namespace telemetry
}  // namespace pyfn

#endif  // PYFN_HOST_TELEMETRY_HTTP_TRACING_H_
