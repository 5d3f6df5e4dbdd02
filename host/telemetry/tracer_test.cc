#include "host/telemetry/tracer.h"

#include <gtest/gtest.h>

#include <thread>

#include "host/common/thread_annotations.h"
#include "host/storage/fake_transport.h"
#include "host/telemetry/http_tracing.h"
#include "host/telemetry/invocation_tracing.h"
#include "host/telemetry/tracing_transport.h"

namespace pyfn {
namespace telemetry {
namespace {

class Recorder {
 public:
  Tracer::Sink sink() {
    return [this](SpanData d) {
      MutexLock l(mu_);
      spans_.push_back(std::move(d));
    };
  }
  // The spans ended so far, in the order they ended.
  std::vector<SpanData> spans() {
    MutexLock l(mu_);
    return spans_;
  }

 private:
  Mutex mu_;
  std::vector<SpanData> spans_ PYFN_GUARDED_BY(mu_);
};

TelemetrySettings On(const std::string& sampler = "") {
  TelemetrySettings s;
  s.traces_enabled = true;
  std::string w;
  s.sampler = Sampler::Parse(sampler, "", &w);
  return s;
}

std::string Attr(const SpanData& d, const std::string& key) {
  for (const auto& kv : d.attributes)
    if (kv.first == key) {
      if (const auto* s = std::get_if<std::string>(&kv.second)) return *s;
      if (const auto* i = std::get_if<int64_t>(&kv.second)) return std::to_string(*i);
    }
  return "<absent>";
}

TEST(TracerTest, ChildrenShareTheTraceAndPointAtTheirParent) {
  Recorder r;
  Tracer t(On(), r.sink());
  auto root = t.StartSpan("root", SpanKind::kServer, SpanContext());
  auto child = t.StartSpan("child", SpanKind::kInternal, root->context());
  child->End(StatusCode::kOk);
  root->End();
  root->End();  // a second End does nothing
  const std::vector<SpanData> spans = r.spans();
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0].name, "child");
  EXPECT_EQ(spans[0].trace_id, spans[1].trace_id);
  EXPECT_EQ(spans[0].parent_span_id, spans[1].span_id);
  EXPECT_EQ(spans[1].parent_span_id, "");
  EXPECT_LE(spans[1].start_unix_nano, spans[1].end_unix_nano);
  EXPECT_EQ(spans[0].status, StatusCode::kOk);
}

TEST(TracerTest, UnsampledSpansHaveIdsButAreNotExported) {
  Recorder r;
  Tracer t(On("always_off"), r.sink());
  auto s = t.StartSpan("x", SpanKind::kServer, SpanContext());
  EXPECT_TRUE(s->context().valid());
  EXPECT_FALSE(s->recording());
  EXPECT_EQ(s->context().Traceparent().substr(53), "00");
  s->End();
  EXPECT_TRUE(r.spans().empty());
}

TEST(HttpTracingTest, ContinuesAnIncomingTraceparentAndRecordsTheStatus) {
  Recorder r;
  Tracer t(On(), r.sink());
  HttpRequest req;
  req.method = "GET";
  req.SetTarget("/api/hello?name=x");
  req.headers = {{"traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"},
                 {"tracestate", "k=v"}};
  int answered = 0;
  std::function<void(HttpResponse)> respond = [&](HttpResponse resp) { answered = resp.status; };
  TraceHttpRequest(&t, &req, &respond);
  EXPECT_EQ(req.trace_parent.substr(0, 36), "00-0af7651916cd43dd8448eb211c80319c-");
  EXPECT_EQ(req.trace_state, "k=v");
  respond(EmptyResponse(503));
  EXPECT_EQ(answered, 503);
  const std::vector<SpanData> spans = r.spans();
  ASSERT_EQ(spans.size(), 1u);
  const SpanData& d = spans[0];
  EXPECT_EQ(d.kind, SpanKind::kServer);
  EXPECT_EQ(d.name, "GET");
  EXPECT_EQ(d.parent_span_id, "b7ad6b7169203331");
  EXPECT_EQ(d.span_id, req.trace_parent.substr(36, 16));
  EXPECT_EQ(Attr(d, "url.path"), "/api/hello");
  EXPECT_EQ(Attr(d, "http.response.status_code"), "503");
  EXPECT_EQ(d.status, StatusCode::kError);
}

TEST(HttpTracingTest, AnInvalidTraceparentStartsANewTraceAndProbesAreNotTraced) {
  Recorder r;
  Tracer t(On(), r.sink());
  HttpRequest req;
  req.method = "POST";
  req.SetTarget("/api/x");
  req.headers = {{"traceparent", "00-zz-b7ad6b7169203331-01"}};
  std::function<void(HttpResponse)> respond = [](HttpResponse) {};
  TraceHttpRequest(&t, &req, &respond);
  respond(EmptyResponse(200));
  const std::vector<SpanData> spans = r.spans();
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].parent_span_id, "");
  EXPECT_EQ(spans[0].status, StatusCode::kUnset);
  HttpRequest probe;
  probe.method = "GET";
  probe.SetTarget("/admin/health/ready");
  TraceHttpRequest(&t, &probe, &respond);
  respond(EmptyResponse(200));
  EXPECT_TRUE(probe.trace_parent.empty());
  EXPECT_EQ(r.spans().size(), 1u);
}

// An HttpStream that answers at once: a two-piece body, every write OK.
class FakeStream : public HttpStream {
 public:
  void ReadBody(std::function<void(Status, std::string, bool)> done) override {
    ++reads;
    done(Status::OK(), reads == 1 ? "abc" : "de", reads == 2);
  }
  void WriteHead(HttpResponse head, std::function<void(Status)> done) override {
    status = head.status;
    done(Status::OK());
  }
  void WriteBody(std::string, std::function<void(Status)> done) override { done(Status::OK()); }
  // Like the server's streams, only the first end counts.
  void Finish() override { End("finish"); }
  void Respond(HttpResponse r) override { End("respond " + std::to_string(r.status)); }
  void Abort() override { End("abort"); }
  void End(std::string how) {
    if (end.empty()) end = std::move(how);
  }
  int reads = 0;
  int status = 0;
  std::string end;
};

TEST(HttpTracingTest, AStreamEndsItsSpanWhenItsResponseEnds) {
  Recorder r;
  Tracer t(On(), r.sink());
  struct Case {
    std::function<void(HttpStream*)> run;
    std::string end, status, response_bytes;
    StatusCode code;
  };
  std::vector<Case> cases = {
      {[](HttpStream* s) {
         s->WriteHead(EmptyResponse(200), [](Status) {});
         s->WriteBody("0123456789", [](Status) {});
         s->WriteBody("ab", [](Status) {});
         s->Finish();
       },
       "finish", "200", "12", StatusCode::kUnset},
      {[](HttpStream* s) { s->Respond(EmptyResponse(503)); }, "respond 503", "503", "0",
       StatusCode::kError},
      {[](HttpStream* s) {
         s->WriteHead(EmptyResponse(200), [](Status) {});
         s->WriteBody("xyz", [](Status) {});
         s->Abort();
       },
       "abort", "200", "3", StatusCode::kError},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    HttpRequest head;
    head.method = "POST";
    head.SetTarget("/api/s");
    head.headers = {{"traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}};
    auto fake = std::make_shared<FakeStream>();
    std::shared_ptr<HttpStream> stream = fake;
    TraceHttpStream(&t, &head, &stream);
    ASSERT_NE(stream, fake);
    EXPECT_TRUE(head.trace_parent.rfind("00-0af7651916cd43dd8448eb211c80319c-", 0) == 0);
    stream->ReadBody([](Status, std::string, bool) {});
    stream->ReadBody([](Status, std::string, bool) {});
    EXPECT_EQ(r.spans().size(), i);  // open until the response ends
    cases[i].run(stream.get());
    stream->Finish();  // a second end changes nothing
    EXPECT_EQ(fake->end, cases[i].end);
    auto spans = r.spans();
    ASSERT_EQ(spans.size(), i + 1);
    const SpanData& d = spans[i];
    EXPECT_EQ(d.kind, SpanKind::kServer);
    EXPECT_EQ(d.parent_span_id, "b7ad6b7169203331");
    EXPECT_EQ(head.trace_parent, "00-0af7651916cd43dd8448eb211c80319c-" + d.span_id.str() + "-01");
    EXPECT_EQ(Attr(d, "http.response.status_code"), cases[i].status);
    EXPECT_EQ(Attr(d, "http.request.body.size"), "5");
    EXPECT_EQ(Attr(d, "http.response.body.size"), cases[i].response_bytes);
    EXPECT_EQ(d.status, cases[i].code);
  }
}

TEST(HttpTracingTest, AHeldStreamSpanEndsWhenTheResponseAndTheHoldAreBothOver) {
  Recorder r;
  Tracer t(On(), r.sink());
  EXPECT_NO_THROW(HoldServerSpan(std::make_shared<FakeStream>())());  // not traced
  for (bool response_first : {true, false}) {
    HttpRequest head;
    head.method = "GET";
    head.SetTarget("/api/s");
    std::shared_ptr<HttpStream> stream = std::make_shared<FakeStream>();
    TraceHttpStream(&t, &head, &stream);
    auto release = HoldServerSpan(stream);
    size_t before = r.spans().size();
    if (response_first) stream->Respond(EmptyResponse(404));
    else release();
    EXPECT_EQ(r.spans().size(), before);
    if (response_first) release();
    else stream->Respond(EmptyResponse(404));
    auto spans = r.spans();
    ASSERT_EQ(spans.size(), before + 1);
    EXPECT_EQ(Attr(spans.back(), "http.response.status_code"), "404");
  }
}

TEST(InvocationTracingTest, AttributesKindAndOutcome) {
  Recorder r;
  Tracer t(On(), r.sink());
  ::AzureFunctionsRpcMessages::RpcTraceContext incoming;
  auto q = StartInvocationSpan(&t, "q", "queueTrigger", "id-1", incoming);
  EndInvocationSpan(q.get(), "failure", "boom");
  incoming.set_trace_parent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  auto h = StartInvocationSpan(&t, "h", "httpTrigger", "id-2", incoming);
  EndInvocationSpan(h.get(), "success", "");
  const std::vector<SpanData> spans = r.spans();
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0].kind, SpanKind::kConsumer);
  EXPECT_EQ(spans[0].parent_span_id, "");
  EXPECT_EQ(Attr(spans[0], "faas.trigger"), "pubsub");
  EXPECT_EQ(Attr(spans[0], "pyfn.trigger"), "queue");
  EXPECT_EQ(Attr(spans[0], "faas.invocation_id"), "id-1");
  EXPECT_EQ(Attr(spans[0], "pyfn.outcome"), "failure");
  EXPECT_EQ(spans[0].status, StatusCode::kError);
  EXPECT_EQ(spans[0].status_message, "boom");
  EXPECT_EQ(spans[1].kind, SpanKind::kInternal);
  EXPECT_EQ(spans[1].parent_span_id, "b7ad6b7169203331");
  EXPECT_EQ(Attr(spans[1], "faas.trigger"), "http");
  EXPECT_EQ(spans[1].status, StatusCode::kOk);
  EXPECT_EQ(FaasTrigger("timerTrigger"), "timer");
  EXPECT_EQ(FaasTrigger("blobTrigger"), "datasource");
  EXPECT_EQ(FaasTrigger("somethingElse"), "other");
}

TEST(ContextTest, ScopedAndBoundContextsReachOtherThreads) {
  EXPECT_FALSE(CurrentContext().valid());
  SpanContext c;
  c.trace_id = NewTraceId();
  c.span_id = NewSpanId();
  std::function<void()> bound;
  std::string seen;
  {
    ScopedContext scope(c);
    EXPECT_EQ(CurrentContext().span_id, c.span_id);
    bound = BindContext([&] { seen = CurrentContext().span_id; });
  }
  EXPECT_FALSE(CurrentContext().valid());
  std::thread([&] { bound(); }).join();
  EXPECT_EQ(seen, c.span_id);
}

TEST(TracingTransportTest, TracesOnlyUnderAContextAndNotTheHostsOwnContainers) {
  Recorder r;
  Tracer t(On(), r.sink());
  storage::FakeTransport fake;
  fake.SetHandler([](const storage::HttpRequest& req, storage::HttpResponse* resp) {
    resp->status = req.url.find("missing") != std::string::npos ? 404 : 201;
    return storage::Status::OK();
  });
  TracingTransport tt(&fake, &t);
  storage::HttpRequest req;
  req.method = "PUT";
  req.url = "http://127.0.0.1:10000/devstoreaccount1/out/b.txt?sv=2020&sig=secret";
  storage::HttpResponse resp;
  ASSERT_TRUE(tt.Send(req, &resp).ok());  // no context: not traced
  EXPECT_TRUE(r.spans().empty());
  auto inv = t.StartSpan("fn", SpanKind::kInternal, SpanContext());
  {
    ScopedContext scope(inv->context());
    ASSERT_TRUE(tt.Send(req, &resp).ok());
    storage::HttpRequest lock = req;
    lock.url = "http://127.0.0.1:10000/devstoreaccount1/azure-webjobs-hosts/locks/x";
    ASSERT_TRUE(tt.Send(lock, &resp).ok());
    storage::HttpRequest missing = req;
    missing.method = "GET";
    missing.url = "http://127.0.0.1:10000/devstoreaccount1/in/missing.txt";
    ASSERT_TRUE(tt.Send(missing, &resp).ok());
  }
  const std::vector<SpanData> spans = r.spans();
  ASSERT_EQ(spans.size(), 2u);
  const SpanData& put = spans[0];
  EXPECT_EQ(put.kind, SpanKind::kClient);
  EXPECT_EQ(put.name, "PUT");
  EXPECT_EQ(put.parent_span_id, inv->context().span_id);
  EXPECT_EQ(Attr(put, "url.full"), "http://127.0.0.1:10000/devstoreaccount1/out/b.txt");
  EXPECT_EQ(Attr(put, "server.address"), "127.0.0.1");
  EXPECT_EQ(Attr(put, "server.port"), "10000");
  EXPECT_EQ(Attr(put, "http.response.status_code"), "201");
  EXPECT_EQ(spans[1].status, StatusCode::kError);
  EXPECT_EQ(Attr(spans[1], "error.type"), "404");
}

}  // namespace
}  // namespace telemetry
}  // namespace pyfn
