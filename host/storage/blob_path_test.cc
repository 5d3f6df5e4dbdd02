#include "host/storage/blob_path.h"

#include <gtest/gtest.h>

namespace pyfn {
namespace storage {
namespace {

TEST(BlobPathTest, CapturesNameBeforeExtension) {
  BlobPathPattern p;
  ASSERT_TRUE(BlobPathPattern::Parse("samples/{name}.csv", &p).ok());
  EXPECT_EQ(p.container(), "samples");
  EXPECT_EQ(p.blob_prefix(), "");
  std::map<std::string, std::string> caps;
  ASSERT_TRUE(p.Match("report.csv", &caps));
  EXPECT_EQ(caps.at("name"), "report");
  ASSERT_TRUE(p.Match("dir/sub/report.v2.csv", &caps));
  EXPECT_EQ(caps.at("name"), "dir/sub/report.v2");
  EXPECT_FALSE(p.Match("report.txt"));
  EXPECT_FALSE(p.Match(".csv"));
  EXPECT_TRUE(p.MatchPath("samples/x.csv", &caps));
  EXPECT_FALSE(p.MatchPath("other/x.csv"));
}

TEST(BlobPathTest, SeveralParametersTakeGreedilyFromTheLeft) {
  BlobPathPattern p;
  ASSERT_TRUE(BlobPathPattern::Parse("input/in-{region}/{name}.{ext}", &p).ok());
  EXPECT_EQ(p.blob_prefix(), "in-");
  EXPECT_EQ(p.parameters(), (std::vector<std::string>{"region", "name", "ext"}));
  std::map<std::string, std::string> caps;
  ASSERT_TRUE(p.Match("in-eu/orders.2024.json", &caps));
  EXPECT_EQ(caps.at("region"), "eu");
  EXPECT_EQ(caps.at("name"), "orders.2024");
  EXPECT_EQ(caps.at("ext"), "json");
}

TEST(BlobPathTest, LiteralPathsAndContainerOnly) {
  BlobPathPattern p;
  ASSERT_TRUE(BlobPathPattern::Parse("samples/fixed.txt", &p).ok());
  EXPECT_TRUE(p.Match("fixed.txt"));
  EXPECT_FALSE(p.Match("fixed.txt2"));
  ASSERT_TRUE(BlobPathPattern::Parse("samples", &p).ok());
  EXPECT_TRUE(p.Match("anything/at/all"));
  ASSERT_TRUE(BlobPathPattern::Parse("samples/{{x}}/{n}", &p).ok());
  std::map<std::string, std::string> caps;
  ASSERT_TRUE(p.Match("{x}/y", &caps));
  EXPECT_EQ(caps.at("n"), "y");
}

TEST(BlobPathTest, BadPatternsNameThePattern) {
  BlobPathPattern p;
  for (const char* bad :
       {"/{name}", "{c}/x", "samples/{a}{b}", "samples/{a", "samples/a}", "samples/{a}-{a}"}) {
    Status s = BlobPathPattern::Parse(bad, &p);
    EXPECT_TRUE(s.IsInvalidArgument()) << bad;
    EXPECT_NE(s.message().find(bad), std::string::npos) << s.message();
  }
}

}  // namespace
}  // namespace storage
}  // namespace pyfn
