#include "host/telemetry/span_exporter.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <thread>

#include "host/common/thread_annotations.h"

namespace pyfn {
namespace telemetry {
namespace {

using namespace std::chrono_literals;

// A collector the test controls: answers 200 or the status given to Answer, or
// blocks from Hang to Release (a collector that accepts and never answers), or
// after Refuse fails like a closed port.
class TestCollector : public storage::HttpTransport {
 public:
  storage::Status Send(const storage::HttpRequest& req, storage::HttpResponse* resp) override {
    MutexLock l(mu_);
    requests_.push_back(req);
    cv_.notify_all();
    cv_.wait(l, [&]() PYFN_REQUIRES(mu_) { return !hang_; });
    if (refuse_) return storage::Status::NetworkError("connect to 127.0.0.1:1: connection refused");
    resp->status = status_;
    return storage::Status::OK();
  }
  size_t SpansReceived() {
    MutexLock l(mu_);
    size_t n = 0;
    for (const auto& r : requests_)
      n += nlohmann::json::parse(r.body)["resourceSpans"][0]["scopeSpans"][0]["spans"].size();
    return n;
  }
  void WaitForRequests(size_t n) {
    MutexLock l(mu_);
    ASSERT_TRUE(cv_.wait_for(l, 10s, [&]() PYFN_REQUIRES(mu_) { return requests_.size() >= n; }));
  }
  storage::HttpRequest Request(size_t i) {
    MutexLock l(mu_);
    return requests_.at(i);
  }
  // Send blocks until Release.
  void Hang() {
    MutexLock l(mu_);
    hang_ = true;
  }
  void Release() {
    MutexLock l(mu_);
    hang_ = false;
    cv_.notify_all();
  }
  // Send fails like a closed port.
  void Refuse() {
    MutexLock l(mu_);
    refuse_ = true;
  }
  // Send answers with this status.
  void Answer(int status) {
    MutexLock l(mu_);
    status_ = status;
  }

 private:
  Mutex mu_;
  CondVar cv_;
  std::vector<storage::HttpRequest> requests_ PYFN_GUARDED_BY(mu_);
  int status_ PYFN_GUARDED_BY(mu_) = 200;
  bool hang_ PYFN_GUARDED_BY(mu_) = false;
  bool refuse_ PYFN_GUARDED_BY(mu_) = false;
};

TelemetrySettings Settings(size_t queue, size_t batch, std::chrono::milliseconds delay) {
  TelemetrySettings s;
  s.traces_enabled = true;
  s.traces_url = "http://127.0.0.1:4318/v1/traces";
  s.headers = {{"api-key", "k"}};
  s.batch.max_queue_size = queue;
  s.batch.max_export_batch_size = batch;
  s.batch.schedule_delay = delay;
  return s;
}

SpanData Span(int i) {
  SpanData s;
  s.name = "span" + std::to_string(i);
  s.trace_id = NewTraceId();
  s.span_id = NewSpanId();
  return s;
}

TEST(SpanExporterTest, SendsFullBatchesAtOnceWithTheHeaders) {
  TestCollector c;
  SpanExporter e(Settings(100, 3, 60s), "1", &c);
  for (int i = 0; i < 3; ++i) e.Add(Span(i));
  c.WaitForRequests(1);  // long before the 60 s delay: the batch was full
  const storage::HttpRequest r = c.Request(0);
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "http://127.0.0.1:4318/v1/traces");
  ASSERT_NE(r.Header("api-key"), nullptr);
  EXPECT_EQ(*r.Header("content-type"), "application/json");
  e.Shutdown(5s);
  EXPECT_EQ(c.SpansReceived(), 3u);
  EXPECT_EQ(e.counters().exported, 3u);
}

TEST(SpanExporterTest, SendsAPartialBatchAfterTheDelay) {
  TestCollector c;
  SpanExporter e(Settings(100, 50, 50ms), "1", &c);
  e.Add(Span(1));
  c.WaitForRequests(1);
  e.Shutdown(5s);
  EXPECT_EQ(e.counters().exported, 1u);
}

TEST(SpanExporterTest, AHangingCollectorNeverBlocksAddAndSpansAreDroppedAndCounted) {
  TestCollector c;
  c.Hang();
  SpanExporter e(Settings(10, 5, 10ms), "1", &c);
  for (int i = 0; i < 5; ++i) e.Add(Span(i));
  c.WaitForRequests(1);  // the thread is stuck in Send with those 5
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 1000; ++i) e.Add(Span(i));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
  SpanExporter::Counters k = e.counters();
  EXPECT_EQ(k.queued, 10u);
  EXPECT_EQ(k.dropped_queue_full, 990u);
  c.Release();
  e.Shutdown(5s);
  EXPECT_EQ(e.counters().exported, 15u);
}

TEST(SpanExporterTest, FailedExportsDropTheBatchAndCountIt) {
  TestCollector c;
  c.Refuse();
  SpanExporter e(Settings(100, 2, 10ms), "1", &c);
  e.Add(Span(1));
  e.Add(Span(2));
  c.WaitForRequests(1);
  e.Shutdown(5s);
  SpanExporter::Counters k = e.counters();
  EXPECT_EQ(k.exported, 0u);
  EXPECT_EQ(k.dropped_export_failed, 2u);
  EXPECT_GE(k.export_requests_failed, 1u);
}

TEST(SpanExporterTest, ANon2xxAnswerIsAFailure) {
  TestCollector c;
  c.Answer(503);
  SpanExporter e(Settings(100, 1, 10ms), "1", &c);
  e.Add(Span(1));
  c.WaitForRequests(1);
  e.Shutdown(5s);
  EXPECT_EQ(e.counters().dropped_export_failed, 1u);
}

TEST(SpanExporterTest, ShutdownFlushesWhatIsQueued) {
  TestCollector c;
  SpanExporter e(Settings(100, 50, 60s), "1", &c);
  for (int i = 0; i < 7; ++i) e.Add(Span(i));
  e.Shutdown(5s);
  EXPECT_EQ(c.SpansReceived(), 7u);
  e.Add(Span(8));  // after shutdown: dropped, not queued forever
  EXPECT_EQ(e.counters().dropped_queue_full, 1u);
}

}  // namespace
}  // namespace telemetry
}  // namespace pyfn
