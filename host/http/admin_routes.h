// The host's own endpoints under /admin, apart from the host that serves them:
//
//   GET  /admin/host/status    anonymous  the host's state as JSON (HostStatusJson)
//   GET|POST /admin/host/ping  anonymous  200 while Running, else 503
//   GET  /admin/health/live    anonymous  200 (liveness: the process serves HTTP)
//   GET  /admin/health/ready   anonymous  200 when HostProbe::Ready, else 503
//   anything else under /admin: the master key (401 without it), then
//   GET  /admin/metrics        Prometheus text (HostProbe::MetricsText)
//   the key admin API          KeyManager::HandleAdmin (keys.h)
//   else 404.
// HEAD is answered like GET. MetricsEndpoint serves /metrics on
// PYFN_METRICS_PORT without a key. Thread safe as the probe and the key
// manager are.
#ifndef PYFN_HOST_HTTP_ADMIN_ROUTES_H_
#define PYFN_HOST_HTTP_ADMIN_ROUTES_H_

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "host/http/http_message.h"
#include "host/http/http_server.h"
#include "host/keys/auth.h"
#include "host/keys/keys.h"

namespace pyfn {

// What /admin/host/status tells.
struct HostStatus {
  // Error: the host is initializing but its language workers cannot start.
  enum class State { kInitializing, kRunning, kStopping, kError };
  State state = State::kInitializing;
  std::vector<std::string> errors;  // shown with kError
  std::string id;                   // the host's name
  std::chrono::milliseconds uptime{0};
};

// {"id", "state", "version", "versionDetails", "processUptime"[, "errors"]},
// as Azure's HostStatus names them.
nlohmann::json HostStatusJson(const HostStatus& status);

// What the admin endpoints read of the host. Called from the HTTP threads.
class HostProbe {
 public:
  virtual ~HostProbe() = default;
  virtual HostStatus CurrentStatus() const = 0;
  // Readiness: Running, not draining, a worker ready.
  virtual bool Ready() const = 0;
  virtual std::string MetricsText() const = 0;
};

// True for "/admin" and the paths below it; `lower_path` is the request path
// in lower case without trailing slashes.
bool IsAdminPath(std::string_view lower_path);

// 200 with the Prometheus text exposition's content type.
HttpResponse MetricsResponse(std::string text);

class AdminRoutes {
 public:
  // `host` and `auth` must outlive this; `keys` (the key admin API) may be null.
  AdminRoutes(const HostProbe* host, const Authorizer* auth, KeyManager* keys);

  // A request whose path IsAdminPath (`lower_path` as there). `respond` is
  // called once, before Handle returns.
  void Handle(const std::string& lower_path, const HttpRequest& request,
              const std::function<void(HttpResponse)>& respond) const;

 private:
  const HostProbe* const host_;
  const Authorizer* const auth_;
  KeyManager* const keys_;
};

// /metrics (GET, HEAD) on PYFN_METRICS_PORT, without a key (for a scraper on
// a private port); 404 for anything else.
class MetricsEndpoint : public HttpHandler {
 public:
  explicit MetricsEndpoint(const HostProbe* host) : host_(host) {}
  void Handle(HttpRequest request, std::function<void(HttpResponse)> respond) override;

 private:
  const HostProbe* const host_;
};

}  // namespace pyfn

#endif  // PYFN_HOST_HTTP_ADMIN_ROUTES_H_
