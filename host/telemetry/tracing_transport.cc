#include "host/telemetry/tracing_transport.h"

#include <cstdlib>

namespace pyfn {
namespace telemetry {
namespace {

// scheme://host[:port]/path?query -> host, port, URL without the query.
void SplitUrl(const std::string& url, std::string* host, int64_t* port, std::string* no_query) {
  *no_query = url.substr(0, url.find('?'));
  size_t scheme_end = url.find("://");
  size_t start = scheme_end == std::string::npos ? 0 : scheme_end + 3;
  size_t end = url.find_first_of("/?", start);
  std::string authority = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  *port = url.compare(0, 6, "https:") == 0 ? 443 : 80;
  size_t colon = authority.rfind(':');
  if (colon != std::string::npos && authority.find(']', colon) == std::string::npos) {
    *port = std::atoll(authority.c_str() + colon + 1);
    authority.resize(colon);
  }
  *host = authority;
}

}  // namespace

storage::Status TracingTransport::Send(const storage::HttpRequest& req,
                                       storage::HttpResponse* resp) {
  const SpanContext& parent = CurrentContext();
  if (!parent.valid()) return inner_->Send(req, resp);
  std::string host, no_query;
  int64_t port = 0;
  SplitUrl(req.url, &host, &port, &no_query);
  if (no_query.find("/azure-webjobs-") != std::string::npos) return inner_->Send(req, resp);
  auto span = tracer_->StartSpan(req.method, SpanKind::kClient, parent);
  if (span->recording()) {
    span->SetAttribute("http.request.method", req.method);
    span->SetAttribute("url.full", no_query);
    span->SetAttribute("server.address", host);
    span->SetAttribute("server.port", port);
  }
  storage::Status s = inner_->Send(req, resp);
  if (!s.ok()) {
    span->SetAttribute("error.type", std::string("network"));
    span->End(StatusCode::kError, s.message());
    return s;
  }
  span->SetAttribute("http.response.status_code", static_cast<int64_t>(resp->status));
  if (resp->status >= 400) {
    span->SetAttribute("error.type", std::to_string(resp->status));
    span->End(StatusCode::kError, "HTTP " + std::to_string(resp->status));
  } else {
    span->End();
  }
  return s;
}

}  // namespace telemetry
}  // namespace pyfn
