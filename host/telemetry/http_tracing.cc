#include "host/telemetry/http_tracing.h"

#include <atomic>
#include <cstdint>
#include <optional>

#include "host/common/strings.h"
#include "host/common/thread_annotations.h"

namespace pyfn {
namespace telemetry {
namespace {

// The server span of `request` (null for the health probes); sets
// request->trace_parent/trace_state to its context.
std::shared_ptr<ActiveSpan> StartServerSpan(Tracer* tracer, HttpRequest* request) {
  constexpr std::string_view kHealth = "/admin/health/";
  if (request->path.size() >= kHealth.size() &&
      AsciiEqualsLower(std::string_view(request->path).substr(0, kHealth.size()), kHealth))
    return nullptr;
  SpanContext parent;
  ParseTraceparent(request->Header("traceparent"), request->Header("tracestate"), &parent);
  auto span = tracer->StartSpan(request->method, SpanKind::kServer, parent);
  span->context().WriteTraceparent(&request->trace_parent);
  request->trace_state = span->context().trace_state;
  if (span->recording()) {
    span->SetAttribute("http.request.method", request->method);
    span->SetAttribute("url.path", request->path);
    span->SetAttribute("url.scheme", std::string("http"));
    if (!request->query.empty()) span->SetAttribute("url.query", request->query);
    std::string ua = request->Header("user-agent");
    if (!ua.empty()) span->SetAttribute("user_agent.original", ua);
  }
  return span;
}

void SetBodySizes(ActiveSpan* span, uint64_t request_bytes, uint64_t response_bytes) {
  span->SetAttribute("http.request.body.size", static_cast<int64_t>(request_bytes));
  span->SetAttribute("http.response.body.size", static_cast<int64_t>(response_bytes));
}

// Ends the span of an answer with `status` (ERROR for 5xx).
void EndServerSpan(ActiveSpan* span, int status) {
  span->SetAttribute("http.response.status_code", static_cast<int64_t>(status));
  if (status >= 500)
    span->End(StatusCode::kError, "HTTP " + std::to_string(status));
  else
    span->End();
}

// An HttpStream that ends the server span when its response ends and every
// hold (HoldServerSpan) is released.
class TracedStream : public HttpStream, public std::enable_shared_from_this<TracedStream> {
 public:
  TracedStream(std::shared_ptr<HttpStream> inner, std::shared_ptr<ActiveSpan> span)
      : inner_(std::move(inner)), span_(std::move(span)) {}
  ~TracedStream() override {
    // Dropped without an end: the inner stream closes the connection.
    pyfn::MutexLock l(mu_);
    if (!ending_) span_->End(StatusCode::kError, "the response was not completed");
  }

  void ReadBody(std::function<void(Status, std::string, bool)> done) override {
    inner_->ReadBody([self = shared_from_this(), done = std::move(done)](
                         Status s, std::string data, bool last) {
      self->read_.fetch_add(data.size());
      done(std::move(s), std::move(data), last);
    });
  }
  void WriteHead(HttpResponse head, std::function<void(Status)> done) override {
    status_.store(head.status);
    inner_->WriteHead(std::move(head), std::move(done));
  }
  void WriteBody(std::string data, std::function<void(Status)> done) override {
    written_.fetch_add(data.size());
    inner_->WriteBody(std::move(data), std::move(done));
  }
  void Finish() override {
    EndOnce({status_.load(), written_.load(), false});
    inner_->Finish();
  }
  void Respond(HttpResponse response) override {
    EndOnce({response.status, response.body.size(), false});
    inner_->Respond(std::move(response));
  }
  void Abort() override {
    EndOnce({status_.load(), written_.load(), true});
    inner_->Abort();
  }

  void Hold() {
    pyfn::MutexLock l(mu_);
    ++holds_;
  }
  void Release() {
    Ending e;
    {
      pyfn::MutexLock l(mu_);
      if (--holds_ > 0 || !ending_) return;
      e = *ending_;
    }
    Record(e);
  }

 private:
  struct Ending {
    int status = 0;  // 0: no head was written
    uint64_t response_bytes = 0;
    bool cut = false;  // Abort
  };

  void EndOnce(Ending e) {
    {
      pyfn::MutexLock l(mu_);
      if (ending_) return;
      ending_ = e;
      if (holds_ > 0) return;  // Release records it
    }
    Record(e);
  }

  void Record(const Ending& e) {
    SetBodySizes(span_.get(), read_.load(), e.response_bytes);
    if (!e.cut) return EndServerSpan(span_.get(), e.status);
    if (e.status != 0)
      span_->SetAttribute("http.response.status_code", static_cast<int64_t>(e.status));
    span_->End(StatusCode::kError, "the response was cut off");
  }

  const std::shared_ptr<HttpStream> inner_;
  const std::shared_ptr<ActiveSpan> span_;
  std::atomic<uint64_t> read_{0};
  std::atomic<uint64_t> written_{0};
  std::atomic<int> status_{0};
  pyfn::Mutex mu_;
  int holds_ PYFN_GUARDED_BY(mu_) = 0;
  std::optional<Ending> ending_ PYFN_GUARDED_BY(mu_);
};

}  // namespace

void TraceHttpRequest(Tracer* tracer, HttpRequest* request,
                      std::function<void(HttpResponse)>* respond) {
  auto span = StartServerSpan(tracer, request);
  if (!span) return;
  // The answer callback is copied along the handler chain: it holds one
  // shared block, so a copy costs a count increment and fits in
  // std::function's own buffer (no allocation, no copy of the inner one).
  struct Traced {
    std::shared_ptr<ActiveSpan> span;
    uint64_t request_bytes;
    std::function<void(HttpResponse)> respond;
  };
  auto t = std::make_shared<Traced>(
      Traced{std::move(span), request->body.size(), std::move(*respond)});
  *respond = [t = std::move(t)](HttpResponse r) {
    SetBodySizes(t->span.get(), t->request_bytes, r.body.size());
    EndServerSpan(t->span.get(), r.status);
    t->respond(std::move(r));
  };
}

void TraceHttpStream(Tracer* tracer, HttpRequest* head, std::shared_ptr<HttpStream>* stream) {
  auto span = StartServerSpan(tracer, head);
  if (!span) return;
  *stream = std::make_shared<TracedStream>(std::move(*stream), std::move(span));
}

std::function<void()> HoldServerSpan(const std::shared_ptr<HttpStream>& stream) {
  auto traced = std::dynamic_pointer_cast<TracedStream>(stream);
  if (!traced) return [] {};
  traced->Hold();
  return [traced] { traced->Release(); };
}

}  // namespace telemetry
}  // namespace pyfn
