#include "host/http/admin_routes.h"

namespace pyfn {

nlohmann::json HostStatusJson(const HostStatus& status) {
  const char* state = "Initializing";
  switch (status.state) {
    case HostStatus::State::kInitializing: state = "Initializing"; break;
    case HostStatus::State::kRunning: state = "Running"; break;
    case HostStatus::State::kStopping: state = "Stopping"; break;
    case HostStatus::State::kError: state = "Error"; break;
  }
  nlohmann::json j;
  if (!status.errors.empty()) j["errors"] = status.errors;
  j["id"] = status.id;
  j["state"] = state;
  j["version"] = PYFN_VERSION;
  j["versionDetails"] = std::string("pyfn-host ") + PYFN_VERSION;
  j["processUptime"] = status.uptime.count();
  return j;
}

HttpResponse MetricsResponse(std::string text) {
  HttpResponse r;
  r.headers.emplace_back("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
  r.body = std::move(text);
  return r;
}

bool IsAdminPath(std::string_view lower_path) {
  return lower_path.rfind("/admin/", 0) == 0 || lower_path == "/admin";
}

AdminRoutes::AdminRoutes(const HostProbe* host, const Authorizer* auth, KeyManager* keys)
    : host_(host), auth_(auth), keys_(keys) {}

void AdminRoutes::Handle(const std::string& lower_path, const HttpRequest& request,
                         const std::function<void(HttpResponse)>& respond) const {
  const std::string& m = request.method;
  bool get = m == "GET" || m == "HEAD";
  // Anonymous: status, ping and the health probes.
  if (lower_path == "/admin/host/status" && get)
    return respond(JsonResponse(200, HostStatusJson(host_->CurrentStatus())));
  if (lower_path == "/admin/host/ping" && (get || m == "POST"))
    return respond(
        EmptyResponse(host_->CurrentStatus().state == HostStatus::State::kRunning ? 200 : 503));
  if (lower_path == "/admin/health/live" && get) return respond(EmptyResponse(200));
  if (lower_path == "/admin/health/ready" && get)
    return respond(EmptyResponse(host_->Ready() ? 200 : 503));
  // Everything else under /admin needs the master key.
  if (!auth_->AuthorizeAdmin(request, request.query_params)) return respond(EmptyResponse(401));
  if (lower_path == "/admin/metrics" && get) return respond(MetricsResponse(host_->MetricsText()));
  HttpResponse r;
  if (keys_ && keys_->HandleAdmin(request, request.path, &r)) return respond(std::move(r));
  respond(EmptyResponse(404));
}

void MetricsEndpoint::Handle(HttpRequest request, std::function<void(HttpResponse)> respond) {
  if (request.path != "/metrics" || (request.method != "GET" && request.method != "HEAD"))
    return respond(EmptyResponse(404));
  respond(MetricsResponse(host_->MetricsText()));
}

}  // namespace pyfn
