#include "metrics.h"

#include <gtest/gtest.h>

#include "logging.h"

namespace pyfn {
namespace {

TEST(MetricsTest, RendersPrometheusText) {
  Metrics m;
  m.RecordInvocation("f\"x", "success", 0.2);
  m.RecordInvocation("f\"x", "failure", 2);
  m.RecordHttpStatus(200);
  Metrics::Gauges g;
  g.workers_ready = 2;
  std::string t = m.Render(g);
  EXPECT_NE(t.find(R"(pyfn_invocations_total{function="f\"x",outcome="success"} 1)"), std::string::npos);
  EXPECT_NE(t.find(R"(pyfn_invocation_duration_seconds_bucket{function="f\"x",le="0.25"} 1)"), std::string::npos);
  EXPECT_NE(t.find(R"(pyfn_invocation_duration_seconds_bucket{function="f\"x",le="+Inf"} 2)"), std::string::npos);
  EXPECT_NE(t.find(R"(pyfn_http_responses_total{code="200"} 1)"), std::string::npos);
  EXPECT_NE(t.find("pyfn_workers_ready 2\n"), std::string::npos);
  EXPECT_GT(ResidentBytes(), 0);
}

TEST(LoggingTest, JsonEscape) {
  EXPECT_EQ(JsonEscape("a\"b\\c\nd\x01"), "a\\\"b\\\\c\\nd\\u0001");
}

}  // namespace
}  // namespace pyfn
