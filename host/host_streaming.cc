// Streaming HTTP in the host (docs/behaviour.md, "Streaming HTTP").
//
// When the workers advertised `HttpUri`, a request to an HTTP function is
// taken from the front door right after its head (WantsStream), checked like
// any other through FunctionRoutes (route, disabled, keys, load failure,
// maxConcurrentRequests / maxOutstandingRequests; CORS on every answer), and
// invoked with an RpcHttp that carries only the route parameters (Azure's
// `RequiresRouteParameters` form). When the pool sends the InvocationRequest to a worker
// (OnHttpInvocationSent) the request is forwarded to that worker's HttpUri
// (http_proxy.h) and the worker's response relayed back as it comes.
// functionTimeout restarts the worker, which ends the forwarded exchange: the
// client gets 500 before the response head, a closed connection after it.
#include <spdlog/spdlog.h>

#include "host/common/strings.h"
#include "host/host.h"
#include "host/host_streaming.h"
#include "host/http/function_routes.h"
#include "host/http/http_proxy.h"
#include "host/telemetry/http_tracing.h"
#include "host/triggers/eventgrid_trigger.h"
#include "host/workers/trace_context.h"

namespace pyfn {

bool Host::WantsStream(const HttpRequest& head) {
  if (index_mode_ || !pool_ || !pool_->proxies_http() || state_.load() == State::kStopping)
    return false;
  std::string lpath = AsciiLower(head.path);
  if (IsAdminPath(lpath) || IsEventGridWebhookPath(lpath)) return false;
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
  if (cors_ && cors_->enabled()) decorate = cors_->DecoratorFor(head);
  auto respond = [stream, decorate](HttpResponse r) {
    if (decorate) decorate(&r);
    stream->Respond(std::move(r));
  };
  auto target = std::make_shared<FunctionRoutes::Target>();
  HttpResponse refusal;
  if (!functions_->Check(head, target.get(), &refusal)) return respond(std::move(refusal));
  auto req = std::make_shared<HttpRequest>(std::move(head));
  auto run = [this, target, req, stream, decorate, respond]() {
    InvocationInput in = FunctionRoutes::HttpInvocation(*target, *req, false);
    in.invocation_id = NewUuid();
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
  functions_->Admit(std::move(run), respond);
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
