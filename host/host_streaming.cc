// Streaming HTTP in the host (docs/behaviour.md, "Streaming HTTP").
//
// When the workers advertised `HttpUri`, a request to an HTTP function is
// taken from the front door right after its head (WantsStream), checked like
// any other (route, disabled, keys, load failure, maxConcurrentRequests /
// maxOutstandingRequests, CORS on every answer), and invoked with an RpcHttp
// that carries only the route parameters (Azure's `RequiresRouteParameters`
// form). When the pool sends the InvocationRequest to a worker
// (OnHttpInvocationSent) the request is forwarded to that worker's HttpUri
// (http_proxy.h) and the worker's response relayed back as it comes.
// functionTimeout restarts the worker, which ends the forwarded exchange: the
// client gets 500 before the response head, a closed connection after it.
#include <spdlog/spdlog.h>

#include "host/app/load_failures.h"
#include "host/common/strings.h"
#include "host/host.h"
#include "host/host_streaming.h"
#include "host/http/http_proxy.h"
#include "host/http/rpc_http.h"
#include "host/telemetry/http_tracing.h"
#include "host/triggers/eventgrid_trigger.h"
#include "host/workers/trace_context.h"

namespace pyfn {
namespace {
constexpr const char* kHttpReason = "This function was programmatically called via the host APIs.";
}  // namespace

bool Host::WantsStream(const HttpRequest& head) {
  if (index_mode_ || !pool_ || !pool_->proxies_http() || state_.load() == State::kStopping)
    return false;
  std::string lpath = AsciiLower(head.path);
  if (lpath.rfind("/admin", 0) == 0 || IsEventGridWebhookPath(lpath)) return false;
  if (cors_ && cors_->enabled()) {
    HttpResponse ignored;
    if (cors_->HandlePreflight(head, &ignored)) return false;
  }
  auto set = registry_.Get();
  RouteTable::MatchResult match;
  return set->routes.Match(head.method, head.path, &match) &&
         set->Find(match.entry->target) != nullptr;
}

void Host::HandleStream(HttpRequest head, std::shared_ptr<HttpStream> stream) {
  if (tracer_) telemetry::TraceHttpStream(tracer_.get(), &head, &stream);
  std::function<void(HttpResponse*)> decorate;
  if (cors_ && cors_->enabled()) {
    HttpRequest origin_only;
    std::string origin = head.Header("origin");
    if (!origin.empty()) origin_only.headers.emplace_back("origin", origin);
    decorate = [cors = cors_.get(), origin_only = std::move(origin_only)](HttpResponse* r) {
      cors->Decorate(origin_only, r);
    };
  }
  auto respond = [stream, decorate](HttpResponse r) {
    if (decorate) decorate(&r);
    stream->Respond(std::move(r));
  };
  auto set = registry_.Get();
  RouteTable::MatchResult match;
  if (!set->routes.Match(head.method, head.path, &match)) return respond(EmptyResponse(404));
  const FunctionSpec* fn = set->Find(match.entry->target);
  if (fn == nullptr || fn->disabled) return respond(EmptyResponse(404));
  if (!auth_->Authorize(*fn, head, head.query_params)) return respond(EmptyResponse(401));
  if (!fn->load_status.ok()) {
    LogLoadFailure(fn->name, fn->load_status.message(),
                   " (request to " + head.path + " answered 500)");
    return respond(EmptyResponse(500));
  }
  auto req = std::make_shared<HttpRequest>(std::move(head));
  auto params = std::make_shared<std::map<std::string, std::string>>(match.params);
  auto run = [this, set, fn, req, params, stream, decorate, respond]() {
    const BindingSpec* trigger = fn->trigger();
    InvocationInput in;
    in.function_name = fn->name;
    in.reason = kHttpReason;
    in.invocation_id = NewUuid();
    rpc::ParameterBinding pb;
    pb.set_name(trigger ? trigger->name : "req");
    auto* http = pb.mutable_data()->mutable_http();
    for (const auto& [k, v] : *params) (*http->mutable_params())[k] = v;
    in.input_data.push_back(std::move(pb));
    in.http = &in.input_data[0].data().http();
    HttpTraceContext(*req, fn->name, &in.trace_context);
    std::string id = in.invocation_id;
    {
      pyfn::MutexLock l(streams_->mu);
      streams_->by_invocation[id] = PendingStreams::Entry{*req, stream, decorate};
    }
    // The server span (tracing) ends after the invocation too.
    auto release_span = telemetry::HoldServerSpan(stream);
    invoker_->Invoke(std::move(in), [this, id, respond,
                                     release_span](const InvocationOutcome& out) {
      limiter_->Release();
      bool never_sent = false;
      {
        pyfn::MutexLock l(streams_->mu);
        never_sent = streams_->by_invocation.erase(id) > 0;
      }
      // Sent to a worker: the forwarded exchange ends the request itself.
      if (never_sent) respond(EmptyResponse(out.status.IsUnavailable() ? 503 : 500));
      release_span();
    });
  };
  if (!limiter_->Admit(std::move(run))) {
    HttpResponse r = EmptyResponse(429);
    r.headers.emplace_back("Retry-After", "1");
    respond(std::move(r));
  }
}

void Host::OnHttpInvocationSent(const std::string& invocation_id, const std::string& http_uri) {
  PendingStreams::Entry e;
  {
    pyfn::MutexLock l(streams_->mu);
    auto it = streams_->by_invocation.find(invocation_id);
    if (it == streams_->by_invocation.end()) return;  // an RpcHttp (buffered) request
    e = std::move(it->second);
    streams_->by_invocation.erase(it);
  }
  if (http_uri.empty()) {
    spdlog::error("Streaming HTTP: invocation {} went to a worker without HttpUri (workers of "
                  "one app disagree); answered 500",
                  invocation_id);
    HttpResponse r = EmptyResponse(500);
    if (e.decorate) e.decorate(&r);
    e.stream->Respond(std::move(r));
    return;
  }
  ProxyRequest p;
  p.http_uri = http_uri;
  p.invocation_id = invocation_id;
  p.head = std::move(e.head);
  p.client = std::move(e.stream);
  p.decorate = std::move(e.decorate);
  // Draining: the worker went away because the host stops, as a cancelled
  // buffered invocation answers.
  p.failure_status = [this] { return state_.load() == State::kStopping ? 503 : 500; };
  StartHttpProxy(ioc_, std::move(p));
}

}  // namespace pyfn
