#include "host/workers/trace_context.h"

#include <gtest/gtest.h>

#include <set>

namespace pyfn {
namespace {

TEST(Traceparent, Valid) {
  EXPECT_TRUE(IsValidTraceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
  EXPECT_TRUE(IsValidTraceparent("01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00-x"));
}

TEST(Traceparent, Invalid) {
  EXPECT_FALSE(IsValidTraceparent(""));
  EXPECT_FALSE(IsValidTraceparent("00-00000000000000000000000000000000-b7ad6b7169203331-01"));
  EXPECT_FALSE(IsValidTraceparent("00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01"));
  EXPECT_FALSE(IsValidTraceparent("00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01"));
  EXPECT_FALSE(IsValidTraceparent("ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
  EXPECT_FALSE(IsValidTraceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-x"));
  EXPECT_FALSE(IsValidTraceparent("00_0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
}

TEST(Traceparent, NewIsValidAndRandom) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    std::string tp = NewTraceparent();
    EXPECT_TRUE(IsValidTraceparent(tp)) << tp;
    seen.insert(tp);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(Traceparent, Continue) {
  std::string in = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  EXPECT_EQ(ContinueTraceparent(in), in);
  EXPECT_TRUE(IsValidTraceparent(ContinueTraceparent("garbage")));
}

TEST(Uuid, Format) {
  std::string u = NewUuid();
  ASSERT_EQ(u.size(), 36u);
  EXPECT_EQ(u[8], '-');
  EXPECT_EQ(u[14], '4');
  EXPECT_NE(std::string("89ab").find(u[19]), std::string::npos);
  EXPECT_NE(NewUuid(), NewUuid());
}

}  // namespace
}  // namespace pyfn
