#include "host/telemetry/span_exporter.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace pyfn {
namespace telemetry {
namespace {

using namespace std::chrono_literals;

// A collector the test controls: answers `status`, or blocks while `hang` is
// set (a collector that accepts and never answers), or fails like a closed port.
class TestCollector : public storage::HttpTransport {
 public:
  storage::Status Send(const storage::HttpRequest& req, storage::HttpResponse* resp) override {
    std::unique_lock<std::mutex> l(mu);
    requests.push_back(req);
    cv.notify_all();
    cv.wait(l, [&] { return !hang; });
    if (refuse) return storage::Status::NetworkError("connect to 127.0.0.1:1: connection refused");
    resp->status = status;
    return storage::Status::OK();
  }
  size_t SpansReceived() {
    std::lock_guard<std::mutex> l(mu);
    size_t n = 0;
    for (const auto& r : requests)
      n += nlohmann::json::parse(r.body)["resourceSpans"][0]["scopeSpans"][0]["spans"].size();
    return n;
  }
  void WaitForRequests(size_t n) {
    std::unique_lock<std::mutex> l(mu);
    ASSERT_TRUE(cv.wait_for(l, 10s, [&] { return requests.size() >= n; }));
  }
  void Release() {
    std::lock_guard<std::mutex> l(mu);
    hang = false;
    cv.notify_all();
  }

  std::mutex mu;
  std::condition_variable cv;
  std::vector<storage::HttpRequest> requests;
  int status = 200;
  bool hang = false;
  bool refuse = false;
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
  const auto& r = c.requests[0];
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
  c.hang = true;
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
  c.refuse = true;
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
  c.status = 503;
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
