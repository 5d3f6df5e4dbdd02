#include "host/telemetry/sampler.h"

#include <gtest/gtest.h>

namespace pyfn {
namespace telemetry {
namespace {

SpanContext Parent(bool sampled) {
  SpanContext p;
  p.trace_id = "0af7651916cd43dd8448eb211c80319c";
  p.span_id = "b7ad6b7169203331";
  p.sampled = sampled;
  return p;
}

Sampler Make(const std::string& name, const std::string& arg = "") {
  std::string warning;
  Sampler s = Sampler::Parse(name, arg, &warning);
  EXPECT_EQ(warning, "") << name << " " << arg;
  return s;
}

const char* kLowId = "0af7651916cd43dd0000000000000001";   // low 64 bits tiny
const char* kHighId = "0af7651916cd43ddffffffffffffff00";  // low 64 bits near 2^64

TEST(SamplerTest, DefaultIsParentBasedAlwaysOn) {
  Sampler s;
  EXPECT_EQ(s.Describe(), "parentbased_always_on");
  EXPECT_TRUE(s.ShouldSample(SpanContext(), kHighId));
  EXPECT_TRUE(s.ShouldSample(Parent(true), kHighId));
  EXPECT_FALSE(s.ShouldSample(Parent(false), kHighId));
  EXPECT_EQ(Make("").Describe(), "parentbased_always_on");
}

TEST(SamplerTest, AlwaysOnAndOffIgnoreTheParent) {
  EXPECT_TRUE(Make("always_on").ShouldSample(Parent(false), kHighId));
  EXPECT_FALSE(Make("always_off").ShouldSample(Parent(true), kLowId));
  EXPECT_FALSE(Make("ALWAYS_OFF").ShouldSample(SpanContext(), kLowId));
}

TEST(SamplerTest, ParentBasedAlwaysOffSamplesOnlyUnderASampledParent) {
  Sampler s = Make("parentbased_always_off");
  EXPECT_FALSE(s.ShouldSample(SpanContext(), kLowId));
  EXPECT_TRUE(s.ShouldSample(Parent(true), kLowId));
}

TEST(SamplerTest, TraceIdRatioComparesTheLow64Bits) {
  Sampler half = Make("traceidratio", "0.5");
  EXPECT_TRUE(half.ShouldSample(SpanContext(), kLowId));
  EXPECT_FALSE(half.ShouldSample(SpanContext(), kHighId));
  EXPECT_FALSE(half.ShouldSample(Parent(true), kHighId));  // not parent based
  EXPECT_FALSE(Make("traceidratio", "0").ShouldSample(SpanContext(), kLowId));
  EXPECT_TRUE(Make("traceidratio", "1").ShouldSample(SpanContext(), kHighId));
  Sampler pb = Make("parentbased_traceidratio", "0.5");
  EXPECT_TRUE(pb.ShouldSample(Parent(true), kHighId));
  EXPECT_FALSE(pb.ShouldSample(SpanContext(), kHighId));
}

TEST(SamplerTest, RatioKeepsAboutThatShareOfRandomTraces) {
  Sampler s = Make("traceidratio", "0.25");
  int kept = 0;
  for (int i = 0; i < 4000; ++i) kept += s.ShouldSample(SpanContext(), NewTraceId()) ? 1 : 0;
  EXPECT_GT(kept, 800);
  EXPECT_LT(kept, 1200);
}

TEST(SamplerTest, BadInputWarnsAndFallsBack) {
  std::string warning;
  Sampler s = Sampler::Parse("sometimes", "", &warning);
  EXPECT_NE(warning.find("'sometimes'"), std::string::npos);
  EXPECT_EQ(s.Describe(), "parentbased_always_on");
  warning.clear();
  s = Sampler::Parse("traceidratio", "1.5", &warning);
  EXPECT_NE(warning.find("OTEL_TRACES_SAMPLER_ARG='1.5'"), std::string::npos);
  EXPECT_TRUE(s.ShouldSample(SpanContext(), kHighId));
  warning.clear();
  Sampler::Parse("traceidratio", "half", &warning);
  EXPECT_NE(warning.find("'half'"), std::string::npos);
}

}  // namespace
}  // namespace telemetry
}  // namespace pyfn
