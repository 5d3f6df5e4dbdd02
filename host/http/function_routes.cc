#include "host/http/function_routes.h"

#include <spdlog/spdlog.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "host/app/load_failures.h"
#include "host/http/rpc_http.h"
#include "host/http/rpc_http_wire.h"
#include "host/workers/invocation_wire.h"

namespace pyfn {
namespace {

constexpr const char* kHttpReason = "This function was programmatically called via the host APIs.";

}  // namespace

bool FunctionRoutes::Check(const HttpRequest& request, Target* target,
                           HttpResponse* refusal) const {
  target->set = parts_.registry->Get();
  RouteTable::MatchResult match;
  if (!target->set->routes.Match(request.method, request.path, &match)) {
    *refusal = request.path == "/" && parts_.home_page ? parts_.home_page() : EmptyResponse(404);
    return false;
  }
  const FunctionSpec* fn = target->set->Find(match.entry->target);
  if (fn == nullptr || fn->disabled) {
    *refusal = EmptyResponse(404);
    return false;
  }
  if (!parts_.auth->Authorize(*fn, request, request.query_params)) {
    *refusal = EmptyResponse(401);
    return false;
  }
  if (!fn->load_status.ok()) {
    LogLoadFailure(fn->name, fn->load_status.message(),
                   " (request to " + request.path + " answered 500)");
    *refusal = EmptyResponse(500);
    return false;
  }
  target->fn = fn;
  target->params = std::move(match.params);
  return true;
}

void FunctionRoutes::Admit(std::function<void()> run,
                           const std::function<void(HttpResponse)>& respond) const {
  if (parts_.limiter->Admit(std::move(run))) return;
  HttpResponse r = EmptyResponse(429);
  r.headers.emplace_back("Retry-After", "1");
  respond(std::move(r));
}

InvocationInput FunctionRoutes::HttpInvocation(const Target& target, const HttpRequest& request,
                                               bool with_request) {
  const FunctionSpec& fn = *target.fn;
  const BindingSpec* trigger = fn.trigger();
  const std::string_view binding = trigger ? std::string_view(trigger->name) : "req";
  InvocationInput in;
  in.function_name = fn.name;
  in.reason = kHttpReason;
  if (EncodeHttpTrigger(binding, request, target.params, with_request, &in.trigger_wire)) {
    in.http_summary = with_request ? HttpSummary(request.method, request.base_url, request.target)
                                   : HttpSummary("", "");
  } else {
    // A string to repair (not UTF-8), or very many headers: the message.
    rpc::ParameterBinding pb;
    pb.set_name(std::string(binding));
    auto* http = pb.mutable_data()->mutable_http();
    if (with_request) {
      BuildRpcHttp(request, target.params, http);
    } else {
      for (const auto& [k, v] : target.params) (*http->mutable_params())[k] = v;
    }
    in.input_data.push_back(std::move(pb));
    in.http = &in.input_data[0].data().http();
  }
  HttpTraceContext(request, fn.name, &in.trace_context);
  return in;
}

void FunctionRoutes::Handle(HttpRequest request,
                            const std::function<void(HttpResponse)>& respond) const {
  auto target = std::make_shared<Target>();
  HttpResponse refusal;
  if (!Check(request, target.get(), &refusal)) return respond(std::move(refusal));
  // The invocation runs now or once maxConcurrentRequests allows; the request
  // is shared because the limiter may hold the closure for a while.
  auto req = std::make_shared<HttpRequest>(std::move(request));
  Invoker* invoker = parts_.invoker;
  RequestLimiter* limiter = parts_.limiter;
  auto run = [invoker, limiter, target, req, respond]() {
    invoker->Invoke(HttpInvocation(*target, *req, true),
                    [limiter, target, respond](InvocationOutcome out) {
      limiter->Release();
      if (out.status.IsUnavailable()) return respond(EmptyResponse(503));
      if (!out.succeeded()) return respond(EmptyResponse(500));
      const FunctionSpec& fn = *target->fn;
      HttpResponse r;
      Status s = HttpResponseFromInvocation(fn, out.response, &r);
      if (!s.ok()) {
        spdlog::error("Functions.{} (Id={}): {}", fn.name, out.invocation_id, s.message());
        return respond(EmptyResponse(500));
      }
      respond(std::move(r));
    });
  };
  Admit(std::move(run), respond);
}

}  // namespace pyfn
