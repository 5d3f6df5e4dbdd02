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
// The streamed path (host_streaming.cc) takes the same steps through Check,
// HttpInvocation and Admit, and forwards the request instead of the RpcHttp.
// Thread safe: called from every HTTP thread.
#ifndef PYFN_HOST_HTTP_FUNCTION_ROUTES_H_
#define PYFN_HOST_HTTP_FUNCTION_ROUTES_H_

#include <functional>
#include <map>
#include <memory>
#include <string>

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

  // The function a request reaches, once it passed the checks.
  struct Target {
    std::shared_ptr<const FunctionSet> set;  // keeps `fn` alive
    const FunctionSpec* fn = nullptr;
    std::map<std::string, std::string> params;  // the route's parameters
  };
  // route, disabled, authLevel, failed (above): true with `target` filled, else
  // false with `refusal` the answer to give (404 or the home page, 401, 500).
  bool Check(const HttpRequest& request, Target* target, HttpResponse* refusal) const;
  // limits (above): runs `run` now or once the limiter admits it, which then
  // expects one RequestLimiter::Release; else answers 429 through `respond`.
  void Admit(std::function<void()> run, const std::function<void(HttpResponse)>& respond) const;
  // The InvocationInput of an HTTP request to `target`: the trigger's RpcHttp
  // (the whole request with `with_request`, else only the route parameters, as
  // for a forwarded request) and the trace context.
  static InvocationInput HttpInvocation(const Target& target, const HttpRequest& request,
                                        bool with_request);

 private:
  const Parts parts_;
};

}  // namespace pyfn

#endif  // PYFN_HOST_HTTP_FUNCTION_ROUTES_H_
