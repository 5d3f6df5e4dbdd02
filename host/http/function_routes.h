// The front door's path to an HTTP function, apart from the host:
//
//   route      the current FunctionSet's RouteTable (no match: 404, or the
//              home page for "/"); a disabled function: 404
//   authLevel  Authorizer::Authorize (401)
//   failed     a function that failed to load answers 500 (logged)
//   limits     RequestLimiter: now, queued, or 429 with Retry-After: 1
//   invoke     one InvocationRequest: the RpcHttp built once from the request
//              and the route's parameters, the server span's trace context
//              (else the caller's traceparent, continued)
//   answer     the worker's http output (HttpResponseFromInvocation); 503
//              when no worker was ready, 500 when the invocation failed
// CORS, tracing, admin and webhook paths come before this (Host::Handle).
// Thread safe: called from every HTTP thread.
#ifndef PYFN_HOST_HTTP_FUNCTION_ROUTES_H_
#define PYFN_HOST_HTTP_FUNCTION_ROUTES_H_

#include <functional>

#include "host/app/function_registry.h"
#include "host/http/http_message.h"
#include "host/http/request_limiter.h"
#include "host/keys/auth.h"
#include "host/workers/invoker.h"

namespace pyfn {

class FunctionRoutes {
 public:
  // Everything must outlive this object.
  struct Parts {
    const FunctionRegistry* registry = nullptr;
    const Authorizer* auth = nullptr;
    RequestLimiter* limiter = nullptr;
    Invoker* invoker = nullptr;
    std::function<HttpResponse()> home_page;  // GET / with no function there
  };
  explicit FunctionRoutes(Parts parts) : parts_(std::move(parts)) {}

  // `respond` is called once, possibly on another thread after Handle returned.
  void Handle(HttpRequest request, const std::function<void(HttpResponse)>& respond) const;

 private:
  const Parts parts_;
};

}  // namespace pyfn

#endif  // PYFN_HOST_HTTP_FUNCTION_ROUTES_H_
