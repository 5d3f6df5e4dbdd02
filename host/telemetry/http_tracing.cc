#include "host/telemetry/http_tracing.h"

#include "host/common/strings.h"

namespace pyfn {
namespace telemetry {

void TraceHttpRequest(Tracer* tracer, HttpRequest* request,
                      std::function<void(HttpResponse)>* respond) {
  if (AsciiLower(request->path).rfind("/admin/health/", 0) == 0) return;
  SpanContext parent;
  ParseTraceparent(request->Header("traceparent"), request->Header("tracestate"), &parent);
  auto span = tracer->StartSpan(request->method, SpanKind::kServer, parent);
  span->context().WriteTraceparent(&request->trace_parent);
  request->trace_state = span->context().trace_state;
  if (span->recording()) {
    span->SetAttribute("http.request.method", request->method);
    span->SetAttribute("url.path", request->path);
    span->SetAttribute("url.scheme", std::string("http"));
    if (!request->query.empty()) span->SetAttribute("url.query", request->query);
    std::string ua = request->Header("user-agent");
    if (!ua.empty()) span->SetAttribute("user_agent.original", ua);
  }
  *respond = [span, respond = std::move(*respond)](HttpResponse r) {
    span->SetAttribute("http.response.status_code", static_cast<int64_t>(r.status));
    if (r.status >= 500)
      span->End(StatusCode::kError, "HTTP " + std::to_string(r.status));
    else
      span->End();
    respond(std::move(r));
  };
}

}  // namespace telemetry
}  // namespace pyfn
