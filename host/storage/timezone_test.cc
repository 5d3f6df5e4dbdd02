#include "host/storage/timezone.h"

#include <gtest/gtest.h>

#include <cstring>

namespace pyfn {
namespace storage {
namespace {

// Expected offsets were computed independently with Python's zoneinfo.
TEST(TimeZoneTest, NewYorkTransitionsIn2024) {
  TimeZone tz;
  ASSERT_TRUE(TimeZone::Load("America/New_York", &tz).ok());
  EXPECT_EQ(tz.OffsetAt(1710053999), -18000);  // 2024-03-10 06:59:59Z
  EXPECT_EQ(tz.OffsetAt(1710054000), -14400);  // 07:00:00Z, 03:00 EDT
  EXPECT_EQ(tz.OffsetAt(1730613599), -14400);  // 2024-11-03 05:59:59Z
  EXPECT_EQ(tz.OffsetAt(1730613600), -18000);
}

TEST(TimeZoneTest, FooterRuleBeyondTheLastTransition) {
  TimeZone tz;
  ASSERT_TRUE(TimeZone::Load("America/New_York", &tz).ok());
  EXPECT_EQ(tz.OffsetAt(4118083200), -14400);  // 2100-07-01
  EXPECT_EQ(tz.OffsetAt(4108690799), -18000);  // 2100-03-14 06:59:59Z
  EXPECT_EQ(tz.OffsetAt(4108690800), -14400);
}

TEST(TimeZoneTest, SouthernHemisphere) {
  TimeZone tz;
  ASSERT_TRUE(TimeZone::Load("Australia/Sydney", &tz).ok());
  EXPECT_EQ(tz.OffsetAt(1712419199), 39600);
  EXPECT_EQ(tz.OffsetAt(1712419200), 36000);
  EXPECT_EQ(tz.OffsetAt(2524608000), 39600);  // 2050-01-01, footer rule
  EXPECT_EQ(tz.OffsetAt(2540246400), 36000);  // 2050-07-01
}

TEST(TimeZoneTest, PosixStringAndWindowsNameAgreeWithTheDatabase) {
  TimeZone posix, windows;
  ASSERT_TRUE(TimeZone::Load("EST5EDT,M3.2.0,M11.1.0", &posix).ok());
  ASSERT_TRUE(TimeZone::Load("Eastern Standard Time", &windows).ok());
  for (int64_t t : {int64_t{1710053999}, int64_t{1710054000}, int64_t{1730613599},
                    int64_t{1730613600}, int64_t{4108690800}}) {
    EXPECT_EQ(posix.OffsetAt(t), windows.OffsetAt(t)) << t;
  }
  EXPECT_EQ(posix.OffsetAt(1710054000), -14400);
}

TEST(TimeZoneTest, PosixRuleParsing) {
  TimeZone::PosixRule r;
  ASSERT_TRUE(TimeZone::ParsePosixRule("<+0330>-3:30", &r));
  EXPECT_EQ(r.std_offset, 12600);
  EXPECT_FALSE(r.has_dst);
  ASSERT_TRUE(TimeZone::ParsePosixRule("CET-1CEST,M3.5.0,M10.5.0/3", &r));
  EXPECT_EQ(r.std_offset, 3600);
  EXPECT_EQ(r.dst_offset, 7200);
  EXPECT_EQ(r.end.time, 3 * 3600);
  EXPECT_FALSE(TimeZone::ParsePosixRule("X", &r));
  EXPECT_FALSE(TimeZone::ParsePosixRule("EST5EDT,M13.1.0,M11.1.0", &r));
}

TEST(TimeZoneTest, LocalToUtcGapAndOverlap) {
  TimeZone tz;
  ASSERT_TRUE(TimeZone::Load("America/New_York", &tz).ok());
  int64_t u[2], gap_end = 0;
  // 2024-03-10 02:30 local does not exist.
  int64_t gap_local = 1710053999 - 18000 + 1 + 1800;
  EXPECT_EQ(tz.LocalToUtc(gap_local, u, &gap_end), 0);
  EXPECT_EQ(gap_end, 1710054000);
  // 2024-11-03 01:30 local happens twice.
  int64_t overlap_local = 1730613600 - 18000 + 1800;  // 01:30 wall
  ASSERT_EQ(tz.LocalToUtc(overlap_local, u, &gap_end), 2);
  EXPECT_EQ(u[0], 1730611800);  // 05:30Z (EDT)
  EXPECT_EQ(u[1], 1730615400);  // 06:30Z (EST)
  // An ordinary time.
  ASSERT_EQ(tz.LocalToUtc(1704067200, u, &gap_end), 1);  // 2024-01-01 00:00 wall
  EXPECT_EQ(u[0], 1704067200 + 18000);
}

TEST(TimeZoneTest, UnknownZoneIsNotFound) {
  TimeZone tz;
  EXPECT_TRUE(TimeZone::Load("Mars/Olympus_Mons", &tz).IsNotFound());
  EXPECT_TRUE(TimeZone::Load("../../etc/passwd", &tz).IsInvalidArgument());
  ASSERT_TRUE(TimeZone::Load("UTC", &tz).ok());
  EXPECT_EQ(tz.OffsetAt(1710054000), 0);
}

TEST(TimeZoneTest, FromEnvironmentPrefersWebsiteTimeZone) {
  auto env = [](const char* website, const char* tz) {
    return [website, tz](const char* name) -> const char* {
      if (std::strcmp(name, "WEBSITE_TIME_ZONE") == 0) return website;
      if (std::strcmp(name, "TZ") == 0) return tz;
      return nullptr;
    };
  };
  TimeZone tz;
  ASSERT_TRUE(TimeZone::FromEnvironment(&tz, env("Europe/Berlin", "America/New_York")).ok());
  EXPECT_EQ(tz.name(), "Europe/Berlin");
  ASSERT_TRUE(TimeZone::FromEnvironment(&tz, env(nullptr, ":America/New_York")).ok());
  EXPECT_EQ(tz.OffsetAt(1710054000), -14400);
  ASSERT_TRUE(TimeZone::FromEnvironment(&tz, env(nullptr, nullptr)).ok());
  EXPECT_EQ(tz.name(), "UTC");
  Status s = TimeZone::FromEnvironment(&tz, env("Nowhere/Land", nullptr));
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("WEBSITE_TIME_ZONE"), std::string::npos);
}

}  // namespace
}  // namespace storage
}  // namespace pyfn
