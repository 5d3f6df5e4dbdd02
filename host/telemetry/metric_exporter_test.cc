#include "host/telemetry/metric_exporter.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>

#include "host/common/thread_annotations.h"

namespace pyfn {
namespace telemetry {
namespace {

using namespace std::chrono_literals;

// Records every request; answers `status`, or fails like a closed port.
class Sink : public storage::HttpTransport {
 public:
  storage::Status Send(const storage::HttpRequest& req, storage::HttpResponse* resp) override {
    MutexLock l(mu);
    requests.push_back(req);
    cv.notify_all();
    if (refuse) return storage::Status::NetworkError("connection refused");
    resp->status = status;
    return storage::Status::OK();
  }
  void WaitForRequests(size_t n) {
    MutexLock l(mu);
    ASSERT_TRUE(cv.wait_for(l, 10s, [&] { return requests.size() >= n; }));
  }
  size_t Count() {
    MutexLock l(mu);
    return requests.size();
  }
  storage::HttpRequest Last() {
    MutexLock l(mu);
    return requests.back();
  }

  Mutex mu;
  CondVar cv;
  std::vector<storage::HttpRequest> requests;
  int status = 200;
  bool refuse = false;
};

TelemetrySettings Settings(std::chrono::milliseconds interval) {
  TelemetrySettings s;
  s.metrics.enabled = true;
  s.metrics.url = "http://127.0.0.1:4318/v1/metrics";
  s.metrics.headers = {{"api-key", "k"}};
  s.metrics.interval = interval;
  s.resource = {{"service.name", std::string("svc")}};
  return s;
}

// A counter that grows with every collection.
MetricExporter::Collect Counting(std::atomic<int>* n) {
  return [n] {
    return std::vector<MetricFamily>{{"pyfn_invocations_total", "Invocations.",
                                      MetricFamily::Type::kCounter, {},
                                      {MetricPoint::Int(++*n, {{"function", "f"}})}}};
  };
}

int64_t ExportedValue(const storage::HttpRequest& r) {
  auto j = nlohmann::json::parse(r.body);
  const auto& m = j["resourceMetrics"][0]["scopeMetrics"][0]["metrics"][0];
  EXPECT_EQ(m["name"], "pyfn_invocations_total");
  return std::stoll(m["sum"]["dataPoints"][0]["asInt"].get<std::string>());
}

TEST(MetricExporterTest, ExportsEveryIntervalWithTheSettingsHeadersAndOnceMoreAtShutdown) {
  Sink sink;
  std::atomic<int> collected{0};
  MetricExporter e(Settings(20ms), "1.0", Counting(&collected), &sink);
  std::this_thread::sleep_for(60ms);
  EXPECT_EQ(sink.Count(), 0u) << "nothing before Start";
  e.Start();
  sink.WaitForRequests(2);
  auto first = sink.Last();
  EXPECT_EQ(first.method, "POST");
  EXPECT_EQ(first.url, "http://127.0.0.1:4318/v1/metrics");
  ASSERT_TRUE(first.Header("api-key") && first.Header("content-type"));
  EXPECT_EQ(*first.Header("api-key"), "k");
  EXPECT_EQ(*first.Header("content-type"), "application/json");
  e.Shutdown(true);
  size_t n = sink.Count();
  EXPECT_EQ(ExportedValue(sink.Last()), collected.load()) << "the final export is the last one";
  EXPECT_EQ(e.counters().exports, n);
  EXPECT_EQ(e.counters().failed, 0u);
  e.Shutdown(true);  // a second call does nothing
  EXPECT_EQ(sink.Count(), n);
}

TEST(MetricExporterTest, ADeadCollectorIsCountedAndNotRetried) {
  Sink sink;
  sink.refuse = true;
  std::atomic<int> collected{0};
  MetricExporter e(Settings(10ms), "1.0", Counting(&collected), &sink);
  e.Start();
  sink.WaitForRequests(3);
  {
    MutexLock l(sink.mu);
    sink.refuse = false;
    sink.status = 503;
  }
  size_t before = sink.Count();
  sink.WaitForRequests(before + 2);
  e.Shutdown(false);
  MetricExporter::Counters c = e.counters();
  EXPECT_EQ(c.exports, 0u);
  EXPECT_EQ(c.failed, sink.Count()) << "one request per interval, each failure counted";
  auto families = e.MetricFamilies();
  ASSERT_EQ(families.size(), 1u);
  EXPECT_EQ(families[0].name, "pyfn_otel_metric_exports_total");
  EXPECT_EQ(families[0].points[1].labels[0].second, "failure");
  EXPECT_EQ(families[0].points[1].int_value, static_cast<int64_t>(c.failed));
}

TEST(MetricExporterTest, NeverStartedExportsNothing) {
  Sink sink;
  std::atomic<int> collected{0};
  {
    MetricExporter e(Settings(10ms), "1.0", Counting(&collected), &sink);
    e.Shutdown(true);
    e.Start();  // after Shutdown: nothing
  }
  EXPECT_EQ(sink.Count(), 0u);
  EXPECT_EQ(collected.load(), 0);
}

}  // namespace
}  // namespace telemetry
}  // namespace pyfn
