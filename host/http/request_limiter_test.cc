#include "host/http/request_limiter.h"

#include <gtest/gtest.h>

namespace pyfn {
namespace {

TEST(RequestLimiterTest, ConcurrentThenQueuedThenRejected) {
  RequestLimiter l(2, 4);
  int started = 0;
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(l.Admit([&] { ++started; }));
  EXPECT_EQ(started, 2);
  EXPECT_EQ(l.queued(), 2);
  EXPECT_FALSE(l.Admit([&] { ++started; }));
  EXPECT_EQ(l.rejected(), 1);
  l.Release();
  EXPECT_EQ(started, 3);
  l.Release();
  l.Release();
  l.Release();
  EXPECT_EQ(started, 4);
  EXPECT_EQ(l.running(), 0);
}

TEST(RequestLimiterTest, Unbounded) {
  RequestLimiter l(-1, -1);
  int started = 0;
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(l.Admit([&] { ++started; }));
  EXPECT_EQ(started, 1000);
}

TEST(RequestLimiterTest, OutstandingOnly) {
  RequestLimiter l(-1, 1);
  EXPECT_TRUE(l.Admit([] {}));
  EXPECT_FALSE(l.Admit([] {}));
  l.Release();
  EXPECT_TRUE(l.Admit([] {}));
}

}  // namespace
}  // namespace pyfn
