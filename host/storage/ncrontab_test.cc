#include "host/storage/ncrontab.h"

#include <gtest/gtest.h>

#include "host/storage/encoding.h"

namespace pyfn {
namespace storage {
namespace {

int64_t Utc(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) {
  return DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

// Next occurrence after `after` as ISO 8601 UTC, or "none".
std::string NextIso(const std::string& expr, int64_t after, const TimeZone& tz = TimeZone()) {
  std::unique_ptr<Schedule> s;
  Status st = ParseSchedule(expr, &s);
  if (!st.ok()) return "parse error: " + st.message();
  int64_t next;
  if (!s->Next(after, tz, &next)) return "none";
  return FormatIso8601(next);
}

TEST(NcrontabTest, EveryFiveMinutes) {
  EXPECT_EQ(NextIso("0 */5 * * * *", Utc(2024, 1, 1)), "2024-01-01T00:05:00Z");
  EXPECT_EQ(NextIso("0 */5 * * * *", Utc(2024, 1, 1, 0, 4, 59)), "2024-01-01T00:05:00Z");
  EXPECT_EQ(NextIso("0 */5 * * * *", Utc(2024, 1, 1, 0, 5, 0)), "2024-01-01T00:10:00Z");
  EXPECT_EQ(NextIso("0 */5 * * * *", Utc(2024, 12, 31, 23, 59, 30)), "2025-01-01T00:00:00Z");
}

TEST(NcrontabTest, SecondsFieldAndSteps) {
  EXPECT_EQ(NextIso("*/15 * * * * *", Utc(2024, 1, 1, 0, 0, 14)), "2024-01-01T00:00:15Z");
  EXPECT_EQ(NextIso("5/15 * * * * *", Utc(2024, 1, 1, 0, 0, 50)), "2024-01-01T00:01:05Z");
  EXPECT_EQ(NextIso("5-40/10 * * * * *", Utc(2024, 1, 1, 0, 0, 35)), "2024-01-01T00:01:05Z");
}

TEST(NcrontabTest, NamesListsAndRanges) {
  // 9:30 every Monday in January (Azure's documented example).
  EXPECT_EQ(NextIso("0 30 9 * Jan Mon", Utc(2024, 1, 1, 9, 30)), "2024-01-08T09:30:00Z");
  EXPECT_EQ(NextIso("0 30 9 * Jan Mon", Utc(2024, 1, 29, 10)), "2025-01-06T09:30:00Z");
  EXPECT_EQ(NextIso("0 30 9 * january monday", Utc(2024, 1, 29, 10)), "2025-01-06T09:30:00Z");
  // Every hour from 9 to 17 on weekdays.
  EXPECT_EQ(NextIso("0 0 9-17 * * MON-FRI", Utc(2024, 1, 5, 17, 0)), "2024-01-08T09:00:00Z");
  EXPECT_EQ(NextIso("0 0 9-17/4 * * 1-5", Utc(2024, 1, 8, 9, 0)), "2024-01-08T13:00:00Z");
  EXPECT_EQ(NextIso("0 0,30 8,20 * * *", Utc(2024, 1, 1, 8, 30)), "2024-01-01T20:00:00Z");
  // Sunday as 0 and as 7.
  EXPECT_EQ(NextIso("0 0 12 * * 0", Utc(2024, 1, 1)), "2024-01-07T12:00:00Z");
  EXPECT_EQ(NextIso("0 0 12 * * 7", Utc(2024, 1, 1)), "2024-01-07T12:00:00Z");
}

TEST(NcrontabTest, DayAndWeekdayMustBothMatch) {
  // Friday the 13th.
  EXPECT_EQ(NextIso("0 0 0 13 * FRI", Utc(2024, 1, 1)), "2024-09-13T00:00:00Z");
  // Leap day only.
  EXPECT_EQ(NextIso("5 0 0 29 Feb *", Utc(2024, 3, 1)), "2028-02-29T00:00:05Z");
  EXPECT_EQ(NextIso("0 0 0 31 * *", Utc(2024, 4, 1)), "2024-05-31T00:00:00Z");
  EXPECT_EQ(NextIso("0 0 0 30 2 *", Utc(2024, 1, 1)), "none");
}

TEST(NcrontabTest, IntervalForm) {
  EXPECT_EQ(NextIso("00:05:00", Utc(2024, 1, 1)), "2024-01-01T00:05:00Z");
  EXPECT_EQ(NextIso("1.02:00:00", Utc(2024, 1, 1)), "2024-01-02T02:00:00Z");
  EXPECT_EQ(NextIso("01:30", Utc(2024, 1, 1)), "2024-01-01T01:30:00Z");
  std::unique_ptr<Schedule> s;
  ASSERT_TRUE(ParseSchedule("00:00:10", &s).ok());
  EXPECT_TRUE(s->is_interval());
  ASSERT_TRUE(ParseSchedule("0 * * * * *", &s).ok());
  EXPECT_FALSE(s->is_interval());
}

TEST(NcrontabTest, ParseErrorsNameTheExpressionAndField) {
  struct Case {
    const char* expr;
    const char* mentions;
  } cases[] = {
      {"*/5 * * * *", "has 5 fields"},
      {"60 * * * * *", "second field '60'"},
      {"* * 24 * * *", "hour field"},
      {"* * * 0 * *", "day field"},
      {"* * * * 13 *", "month field"},
      {"* * * * Foo *", "'Foo' is not a valid value"},
      {"* * * * * 8", "day-of-week field"},
      {"10-5 * * * * *", "runs backwards"},
      {"*/0 * * * * *", "step"},
      {"? * * * * *", "not a valid value"},
      {"1,,2 * * * * *", "empty list item"},
      {"00:00:00", "must be positive"},
      {"25:00:00", "out of range"},
  };
  for (const auto& c : cases) {
    std::unique_ptr<Schedule> s;
    Status st = ParseSchedule(c.expr, &s);
    EXPECT_TRUE(st.IsInvalidArgument()) << c.expr;
    EXPECT_NE(st.message().find(c.mentions), std::string::npos) << st.message();
    EXPECT_NE(st.message().find(c.expr), std::string::npos) << st.message();
  }
}

class NcrontabZoneTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(TimeZone::Load("America/New_York", &ny_).ok());
    ASSERT_TRUE(TimeZone::Load("Europe/Berlin", &berlin_).ok());
    ASSERT_TRUE(TimeZone::Load("Australia/Sydney", &sydney_).ok());
  }
  TimeZone ny_, berlin_, sydney_;
};

TEST_F(NcrontabZoneTest, WallClockInTheZone) {
  // 09:00 every day in Berlin: 08:00Z in winter, 07:00Z once DST starts.
  EXPECT_EQ(NextIso("0 0 9 * * *", Utc(2024, 3, 30, 8), berlin_), "2024-03-31T07:00:00Z");
  EXPECT_EQ(NextIso("0 0 9 * * *", Utc(2024, 3, 29, 8), berlin_), "2024-03-30T08:00:00Z");
}

TEST_F(NcrontabZoneTest, SpringForwardGapFiresAtTheTransition) {
  // 02:30 does not exist in New York on 2024-03-10: fire at 03:00 EDT (07:00Z).
  EXPECT_EQ(NextIso("0 30 2 * * *", Utc(2024, 3, 10, 5), ny_), "2024-03-10T07:00:00Z");
  EXPECT_EQ(NextIso("0 30 2 * * *", Utc(2024, 3, 10, 7), ny_), "2024-03-11T06:30:00Z");
  // Every 15 minutes across the gap: 01:45 EST, then 03:00 EDT.
  EXPECT_EQ(NextIso("0 */15 * * * *", Utc(2024, 3, 10, 6, 45), ny_), "2024-03-10T07:00:00Z");
  EXPECT_EQ(NextIso("0 */15 * * * *", Utc(2024, 3, 10, 7), ny_), "2024-03-10T07:15:00Z");
}

TEST_F(NcrontabZoneTest, FallBackOverlapFiresOnceForFixedTimes) {
  // 01:30 happens at 05:30Z (EDT) and 06:30Z (EST) on 2024-11-03: once.
  EXPECT_EQ(NextIso("0 30 1 * * *", Utc(2024, 11, 3, 4), ny_), "2024-11-03T05:30:00Z");
  EXPECT_EQ(NextIso("0 30 1 * * *", Utc(2024, 11, 3, 5, 30), ny_), "2024-11-04T06:30:00Z");
}

TEST_F(NcrontabZoneTest, FallBackOverlapFiresTwiceForIntervals) {
  EXPECT_EQ(NextIso("0 */30 * * * *", Utc(2024, 11, 3, 5, 30), ny_), "2024-11-03T06:00:00Z");
  EXPECT_EQ(NextIso("0 */30 * * * *", Utc(2024, 11, 3, 6, 0), ny_), "2024-11-03T06:30:00Z");
  EXPECT_EQ(NextIso("0 */30 * * * *", Utc(2024, 11, 3, 6, 30), ny_), "2024-11-03T07:00:00Z");
}

TEST_F(NcrontabZoneTest, SouthernHemisphereFallBack) {
  // Sydney 2024-04-07: 02:00 wall happens at 15:00Z (AEDT) and 16:00Z (AEST).
  EXPECT_EQ(NextIso("0 0 2 * * *", Utc(2024, 4, 6, 14), sydney_), "2024-04-06T15:00:00Z");
  EXPECT_EQ(NextIso("0 0 2 * * *", Utc(2024, 4, 6, 15), sydney_), "2024-04-07T16:00:00Z");
}

TEST_F(NcrontabZoneTest, EverySecondNearATransitionStaysFast) {
  std::unique_ptr<Schedule> s;
  ASSERT_TRUE(ParseSchedule("* * * * * *", &s).ok());
  int64_t t = Utc(2024, 11, 3, 5, 59, 58);
  for (int i = 0; i < 5; ++i) {
    int64_t next;
    ASSERT_TRUE(s->Next(t, ny_, &next));
    EXPECT_EQ(next, t + 1);
    t = next;
  }
}

}  // namespace
}  // namespace storage
}  // namespace pyfn
