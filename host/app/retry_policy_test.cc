#include "host/app/retry_policy.h"

#include <gtest/gtest.h>

namespace pyfn {
namespace {

using std::chrono::milliseconds;

TEST(RetryPolicy, FixedDelayWaitsTheSameBeforeEveryRetry) {
  RetryPolicy p = RetryPolicy::FromJson(
      {{"strategy", "fixedDelay"}, {"maxRetryCount", 3}, {"delayInterval", "00:00:02"}});
  EXPECT_TRUE(p.fixed_delay);
  EXPECT_EQ(p.max_retry_count, 3);
  EXPECT_EQ(p.DelayBefore(1), milliseconds(2000));
  EXPECT_EQ(p.DelayBefore(3), milliseconds(2000));
}

TEST(RetryPolicy, ExponentialBackoffDoublesFromTheMinimumUpToTheMaximum) {
  RetryPolicy p = RetryPolicy::FromJson({{"strategy", "exponentialBackoff"},
                                         {"maxRetryCount", "-1"},
                                         {"minimumInterval", "00:00:01"},
                                         {"maximumInterval", "00:00:05"}});
  EXPECT_FALSE(p.fixed_delay);
  EXPECT_EQ(p.max_retry_count, -1);
  EXPECT_EQ(p.DelayBefore(1), milliseconds(1000));
  EXPECT_EQ(p.DelayBefore(2), milliseconds(2000));
  EXPECT_EQ(p.DelayBefore(3), milliseconds(4000));
  EXPECT_EQ(p.DelayBefore(4), milliseconds(5000));
  EXPECT_EQ(p.DelayBefore(40), milliseconds(5000));
}

TEST(RetryPolicy, IntervalsMayBeMillisecondsAndTheStrategyAnyCase) {
  RetryPolicy p = RetryPolicy::FromJson(nlohmann::json::parse(
      R"({"strategy": "EXPONENTIAL_BACKOFF", "maxRetryCount": 2,
          "minimumInterval": 250, "maximumInterval": 600})"));
  EXPECT_FALSE(p.fixed_delay);
  EXPECT_EQ(p.DelayBefore(1), milliseconds(250));
  EXPECT_EQ(p.DelayBefore(2), milliseconds(500));
  EXPECT_EQ(p.DelayBefore(3), milliseconds(600));
}

TEST(RetryPolicy, NoRetryOptionsMeanNoRetries) {
  EXPECT_EQ(RetryPolicy::FromJson(nlohmann::json()).max_retry_count, 0);
  EXPECT_EQ(RetryPolicy().max_retry_count, 0);
}

}  // namespace
}  // namespace pyfn
