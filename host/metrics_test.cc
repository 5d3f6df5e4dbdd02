#include "host/metrics.h"

#include <gtest/gtest.h>

#include "host/common/logging.h"

namespace pyfn {
namespace {

TEST(MetricsTest, RendersPrometheusText) {
  Metrics m;
  m.RecordInvocation("f\"x", "http", "success", 0.2);
  m.RecordInvocation("f\"x", "http", "failure", 2);
  m.RecordHttpStatus(200);
  Metrics::Gauges g;
  g.workers_ready = 2;
  std::string t = m.Render(g);
  EXPECT_NE(t.find(R"(pyfn_invocations_total{function="f\"x",trigger="http",outcome="success"} 1)"), std::string::npos);
  EXPECT_NE(t.find(R"(pyfn_invocation_duration_seconds_bucket{function="f\"x",trigger="http",le="0.25"} 1)"), std::string::npos);
  EXPECT_NE(t.find(R"(pyfn_invocation_duration_seconds_bucket{function="f\"x",trigger="http",le="+Inf"} 2)"), std::string::npos);
  EXPECT_NE(t.find(R"(pyfn_invocation_duration_seconds_count{function="f\"x",trigger="http"} 2)"), std::string::npos);
  EXPECT_NE(t.find(R"(pyfn_http_responses_total{code="200"} 1)"), std::string::npos);
  EXPECT_NE(t.find("pyfn_workers_ready 2\n"), std::string::npos);
  EXPECT_GT(ResidentBytes(), 0);
}

TEST(MetricsTest, NonHttpTriggersAndQueueLag) {
  Metrics m;
  m.RecordInvocation("work", TriggerLabel("queueTrigger"), "success", 0.01);
  m.RecordInvocation("work", TriggerLabel("queueTrigger"), "failure", 0.01);
  m.RecordInvocation("tick", TriggerLabel("timerTrigger"), "success", 0.5);
  m.RecordInvocation("onblob", TriggerLabel("blobTrigger"), "success", 1);
  m.RecordQueueLag("work", "work-items", 0.3);
  m.RecordQueueLag("work", "work-items", 7);
  m.RecordQueueLag("work", "work-items", -1);  // clocks: never below 0
  m.SetQueueLength("work", "work-items", 42);
  std::string t = m.Render(Metrics::Gauges());
  for (const char* line : {
           R"(pyfn_invocations_total{function="work",trigger="queue",outcome="success"} 1)",
           R"(pyfn_invocations_total{function="work",trigger="queue",outcome="failure"} 1)",
           R"(pyfn_invocations_total{function="tick",trigger="timer",outcome="success"} 1)",
           R"(pyfn_invocations_total{function="onblob",trigger="blob",outcome="success"} 1)",
           R"(pyfn_invocation_duration_seconds_count{function="work",trigger="queue"} 2)",
           R"(pyfn_queue_trigger_lag_seconds_bucket{function="work",queue="work-items",le="0.5"} 2)",
           R"(pyfn_queue_trigger_lag_seconds_bucket{function="work",queue="work-items",le="5"} 2)",
           R"(pyfn_queue_trigger_lag_seconds_bucket{function="work",queue="work-items",le="10"} 3)",
           R"(pyfn_queue_trigger_lag_seconds_bucket{function="work",queue="work-items",le="+Inf"} 3)",
           R"(pyfn_queue_trigger_lag_seconds_sum{function="work",queue="work-items"} 7.3)",
           R"(pyfn_queue_trigger_lag_seconds_count{function="work",queue="work-items"} 3)",
           R"(pyfn_queue_messages{function="work",queue="work-items"} 42)",
           "# TYPE pyfn_queue_trigger_lag_seconds histogram\n",
           "# TYPE pyfn_queue_messages gauge\n"})
    EXPECT_NE(t.find(line), std::string::npos) << line << "\n" << t;
}

TEST(MetricsTest, CollectGivesPerBucketCountsAndTheSameNumbers) {
  Metrics m;
  m.RecordInvocation("f", "http", "success", 0.003);
  m.RecordInvocation("f", "http", "success", 0.2);
  m.RecordInvocation("f", "http", "success", 1000);  // above every bound
  Metrics::Gauges g;
  g.uptime_seconds = 2.5;
  std::vector<MetricFamily> families = m.Collect(g);
  const MetricFamily* inv = nullptr;
  const MetricFamily* dur = nullptr;
  for (const auto& f : families) {
    if (f.name == "pyfn_invocations_total") inv = &f;
    if (f.name == "pyfn_invocation_duration_seconds") dur = &f;
  }
  ASSERT_TRUE(inv && dur);
  ASSERT_EQ(inv->points.size(), 1u);
  EXPECT_EQ(inv->points[0].int_value, 3);
  EXPECT_EQ(inv->points[0].labels[2], (std::pair<std::string, std::string>("outcome", "success")));
  ASSERT_EQ(dur->bounds.size(), Metrics::kBuckets.size());
  const auto& b = dur->points[0].bucket_counts;
  ASSERT_EQ(b.size(), Metrics::kBuckets.size() + 1);
  EXPECT_EQ(b[0], 1u);      // 0.003 <= 0.005
  EXPECT_EQ(b[5], 1u);      // 0.2 in (0.1, 0.25]
  EXPECT_EQ(b.back(), 1u);  // 1000 > 300
  EXPECT_EQ(dur->points[0].count, 3u);
  std::string t = RenderPrometheus(families);
  // The same text as Render, but for the resident memory (read at each call).
  auto without_rss = [](std::string text) {
    size_t at = text.find("\npyfn_process_resident_memory_bytes ");
    return at == std::string::npos ? text : text.erase(at, text.find('\n', at + 1) - at);
  };
  EXPECT_EQ(without_rss(t), without_rss(m.Render(g)));
  EXPECT_NE(without_rss(t), t);
  EXPECT_NE(t.find(R"(pyfn_invocation_duration_seconds_bucket{function="f",trigger="http",le="0.25"} 2)"),
            std::string::npos);
  EXPECT_NE(t.find(R"(pyfn_invocation_duration_seconds_bucket{function="f",trigger="http",le="300"} 2)"),
            std::string::npos);
  EXPECT_NE(t.find("pyfn_process_uptime_seconds 2.5\n"), std::string::npos);
}

TEST(MetricsTest, TriggerLabels) {
  EXPECT_EQ(TriggerLabel("httpTrigger"), "http");
  EXPECT_EQ(TriggerLabel("QueueTrigger"), "queue");
  EXPECT_EQ(TriggerLabel("eventHubTrigger"), "eventhub");
  EXPECT_EQ(TriggerLabel(""), "unknown");
}

TEST(LoggingTest, JsonEscape) {
  EXPECT_EQ(JsonEscape("a\"b\\c\nd\x01"), "a\\\"b\\\\c\\nd\\u0001");
}

}  // namespace
}  // namespace pyfn
