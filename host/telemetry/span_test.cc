#include "host/telemetry/span.h"

#include <gtest/gtest.h>

namespace pyfn {
namespace telemetry {
namespace {

TEST(SpanContextTest, ParsesAValidTraceparent) {
  SpanContext c;
  ASSERT_TRUE(ParseTraceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                               "congo=t61rcWkgMzE", &c));
  EXPECT_EQ(c.trace_id, "0af7651916cd43dd8448eb211c80319c");
  EXPECT_EQ(c.span_id, "b7ad6b7169203331");
  EXPECT_TRUE(c.sampled);
  EXPECT_TRUE(c.remote);
  EXPECT_EQ(c.trace_state, "congo=t61rcWkgMzE");
  EXPECT_EQ(c.Traceparent(), "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
}

TEST(SpanAttributesTest, ReplacesAKeySetAgainAndCountsWhatDoesNotFit) {
  SpanAttributes a;
  a.Set("k", std::string("one"));
  a.Set("k", int64_t{2});
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(std::get<int64_t>(a.begin()->second), 2);
  static const char* const kKeys[] = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "l", "m"};
  for (const char* key : kKeys) a.Set(key, std::string(40, 'x'));  // long: on the heap
  const size_t dropped = 1 + sizeof kKeys / sizeof kKeys[0] - SpanAttributes::kCapacity;
  EXPECT_EQ(a.size(), SpanAttributes::kCapacity);
  EXPECT_EQ(a.dropped(), dropped);
  SpanAttributes moved = std::move(a);
  SpanAttributes copy = moved;
  EXPECT_EQ(copy.size(), SpanAttributes::kCapacity);
  EXPECT_EQ(copy.dropped(), dropped);
  EXPECT_EQ(std::get<std::string>((copy.end() - 1)->second), std::string(40, 'x'));
  EXPECT_TRUE(a.empty());
}

TEST(SpanContextTest, ReadsTheSampledBitOnly) {
  SpanContext c;
  ASSERT_TRUE(ParseTraceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00", "", &c));
  EXPECT_FALSE(c.sampled);
  ASSERT_TRUE(ParseTraceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-03", "", &c));
  EXPECT_TRUE(c.sampled);
  EXPECT_EQ(c.Traceparent().substr(53), "01");
}

TEST(SpanContextTest, AcceptsALaterVersionsPrefix) {
  SpanContext c;
  EXPECT_TRUE(ParseTraceparent(
      "01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-what-comes-next", "", &c));
  EXPECT_EQ(c.span_id, "b7ad6b7169203331");
}

TEST(SpanContextTest, RefusesInvalidTraceparentsAndLeavesTheOutputAlone) {
  SpanContext c;
  c.trace_id = "keep";
  for (const char* bad : {
           "",
           "garbage",
           "00-00000000000000000000000000000000-b7ad6b7169203331-01",  // zero trace id
           "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01",  // zero span id
           "00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01",  // upper case
           "ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",  // version ff
           "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-x",  // 00 has no tail
           "00-0af7651916cd43dd8448eb211c8031-b7ad6b7169203331-01",      // short trace id
       }) {
    EXPECT_FALSE(ParseTraceparent(bad, "", &c)) << bad;
  }
  EXPECT_EQ(c.trace_id, "keep");
}

TEST(SpanIdsTest, HexIdsAreKeptInPlaceAndCompareAsText) {
  TraceId a;
  EXPECT_TRUE(a.empty());
  EXPECT_EQ(a, "");
  a = "0af7651916cd43dd8448eb211c80319c";
  TraceId b = a;
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(std::string(a), "0af7651916cd43dd8448eb211c80319c");
  b = "1af7651916cd43dd8448eb211c80319c";
  EXPECT_NE(a, b);
  SpanId s;
  s = "b7ad6b7169203331-and-more";  // at most 16 characters are kept
  EXPECT_EQ(s, "b7ad6b7169203331");
  SpanContext c;
  c.trace_id = a;
  c.span_id = s;
  std::string tp = "an old value";
  c.WriteTraceparent(&tp);
  EXPECT_EQ(tp, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00");
}

TEST(SpanIdsTest, AreLowerHexOfTheRightLengthAndDiffer) {
  std::string t = NewTraceId(), s = NewSpanId();
  EXPECT_EQ(t.size(), 32u);
  EXPECT_EQ(s.size(), 16u);
  EXPECT_EQ(t.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(s.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(t, NewTraceId());
  EXPECT_NE(s, NewSpanId());
}

}  // namespace
}  // namespace telemetry
}  // namespace pyfn
