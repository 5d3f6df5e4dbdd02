#include "host/telemetry/otlp_http.h"

#include <algorithm>

#include "host/storage/beast_transport.h"

namespace pyfn {
namespace telemetry {

std::unique_ptr<storage::HttpTransport> NewOtlpTransport(std::chrono::milliseconds timeout,
                                                         size_t idle_connections) {
  storage::TransportOptions o;
  o.request_timeout = timeout;
  o.connect_timeout = std::min(o.request_timeout, o.connect_timeout);
  o.max_idle_connections = idle_connections;
  return std::make_unique<storage::BeastTransport>(o);
}

bool PostOtlp(storage::HttpTransport* transport, const std::string& url,
              const storage::HttpHeaders& headers, const char* content_type, std::string body,
              std::string* error) {
  storage::HttpRequest req;
  req.method = "POST";
  req.url = url;
  req.headers = headers;
  req.SetHeader("Content-Type", content_type);
  req.body = std::move(body);
  storage::HttpResponse resp;
  storage::Status s = transport->Send(req, &resp);
  if (!s.ok()) {
    *error = s.message();
    return false;
  }
  if (resp.status < 200 || resp.status > 299) {
    *error = "the collector answered " + std::to_string(resp.status);
    if (!resp.body.empty()) *error += ": " + resp.body.substr(0, 200);
    return false;
  }
  return true;
}

}  // namespace telemetry
}  // namespace pyfn
