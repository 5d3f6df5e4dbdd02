#include "host/http/function_routes.h"

#include <spdlog/spdlog.h>

#include <map>
#include <memory>
#include <string>

#include "host/app/load_failures.h"
#include "host/http/rpc_http.h"

namespace pyfn {
namespace {

constexpr const char* kHttpReason = "This function was programmatically called via the host APIs.";

}  // namespace

void FunctionRoutes::Handle(HttpRequest request,
                            const std::function<void(HttpResponse)>& respond) const {
  auto set = parts_.registry->Get();
  RouteTable::MatchResult match;
  if (!set->routes.Match(request.method, request.path, &match))
    return respond(request.path == "/" && parts_.home_page ? parts_.home_page()
                                                           : EmptyResponse(404));
  const FunctionSpec* fn = set->Find(match.entry->target);
  if (fn == nullptr || fn->disabled) return respond(EmptyResponse(404));
  if (!parts_.auth->Authorize(*fn, request, request.query_params))
    return respond(EmptyResponse(401));
  if (!fn->load_status.ok()) {
    LogLoadFailure(fn->name, fn->load_status.message(),
                   " (request to " + request.path + " answered 500)");
    return respond(EmptyResponse(500));
  }
  // The invocation runs now or once maxConcurrentRequests allows; the request
  // is shared because the limiter may hold the closure for a while.
  auto req = std::make_shared<HttpRequest>(std::move(request));
  auto params = std::make_shared<std::map<std::string, std::string>>(std::move(match.params));
  Invoker* invoker = parts_.invoker;
  RequestLimiter* limiter = parts_.limiter;
  auto run = [invoker, limiter, set, fn, req, params, respond]() {
    const BindingSpec* trigger = fn->trigger();
    InvocationInput in;
    in.function_name = fn->name;
    in.reason = kHttpReason;
    rpc::ParameterBinding pb;
    pb.set_name(trigger ? trigger->name : "req");
    BuildRpcHttp(*req, *params, pb.mutable_data()->mutable_http());
    in.input_data.push_back(std::move(pb));
    in.http = &in.input_data[0].data().http();
    HttpTraceContext(*req, fn->name, &in.trace_context);
    invoker->Invoke(std::move(in), [limiter, set, fn, respond](InvocationOutcome out) {
      limiter->Release();
      if (out.status.IsUnavailable()) return respond(EmptyResponse(503));
      if (!out.succeeded()) return respond(EmptyResponse(500));
      HttpResponse r;
      Status s = HttpResponseFromInvocation(*fn, out.response, &r);
      if (!s.ok()) {
        spdlog::error("Functions.{} (Id={}): {}", fn->name, out.invocation_id, s.message());
        return respond(EmptyResponse(500));
      }
      respond(std::move(r));
    });
  };
  if (!limiter->Admit(std::move(run))) {
    HttpResponse r = EmptyResponse(429);
    r.headers.emplace_back("Retry-After", "1");
    respond(std::move(r));
  }
}

}  // namespace pyfn
