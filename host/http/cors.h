// CORS for HTTP functions (spec P4), answered by the host as Azure's does:
// allowed origins ("*", exact origins, or "https://*.example.com") and
// supportCredentials. Settings: prod_settings.h.
//
// - Preflight (OPTIONS with Origin and Access-Control-Request-Method) is
//   answered by the host with 204, before routing and keys. An allowed origin
//   gets Access-Control-Allow-Origin/-Methods/-Headers (the requested ones);
//   a refused one gets the 204 without them (the browser then refuses).
// - Other requests with an allowed Origin get Access-Control-Allow-Origin
//   ("*" for the wildcard without credentials, else the origin itself) and,
//   with credentials, Access-Control-Allow-Credentials: true.
// - Every response carries "Vary: Origin" while CORS is configured, so caches
//   keep answers for different origins apart.
// Immutable after construction; thread safe.
#ifndef PYFN_HOST_CORS_H_
#define PYFN_HOST_CORS_H_

#include <functional>
#include <string>
#include <vector>

#include "host/http/http_message.h"

namespace pyfn {

class CorsPolicy {
 public:
  CorsPolicy(const std::vector<std::string>& origins, bool credentials);

  bool enabled() const { return !origins_.empty() || any_; }
  bool OriginAllowed(const std::string& origin) const;

  // True (and `out` filled) if `req` is a preflight request.
  bool HandlePreflight(const HttpRequest& req, HttpResponse* out) const;
  // Adds the CORS headers for `req` to `resp` (unless the function set
  // Access-Control-Allow-Origin itself).
  void Decorate(const HttpRequest& req, HttpResponse* resp) const;
  // Decorate for `req`'s Origin, for answers given after `req` is gone (it
  // keeps only the origin; this policy must outlive it).
  std::function<void(HttpResponse*)> DecoratorFor(const HttpRequest& req) const;

 private:
  std::string AllowOriginValue(const std::string& origin) const;
  void DecorateForOrigin(const std::string& origin, HttpResponse* resp) const;

  std::vector<std::string> origins_;  // lower-cased, no trailing '/'
  bool any_ = false;
  const bool credentials_;
};

}  // namespace pyfn

#endif  // PYFN_HOST_CORS_H_
