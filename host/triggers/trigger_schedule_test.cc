// The storage triggers' decisions about time, driven by a ManualClock.
#include "host/triggers/trigger_schedule.h"

#include <gtest/gtest.h>

#include <memory>

#include "host/triggers/trigger_util.h"

namespace pyfn {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr int64_t kNoon = 1767268800;  // 2026-01-01T12:00:00Z

std::unique_ptr<storage::Schedule> Parse(const std::string& expr) {
  std::unique_ptr<storage::Schedule> s;
  EXPECT_TRUE(storage::ParseSchedule(expr, &s).ok()) << expr;
  return s;
}

TEST(LeaseSchedule, RenewsEveryFiveSecondsOfAFifteenSecondLease) {
  ManualClock clock(kNoon);
  LeaseSchedule lease(&clock, seconds(15), seconds(5));
  lease.Renewed();
  clock.Advance(milliseconds(4999));
  EXPECT_FALSE(lease.RenewDue());
  clock.Advance(milliseconds(1));
  EXPECT_TRUE(lease.RenewDue());
  lease.Renewed();
  EXPECT_FALSE(lease.RenewDue());
}

TEST(LeaseSchedule, AFailedRenewalKeepsTheLockOnlyUntilThreeSecondsBeforeItLapses) {
  ManualClock clock(kNoon);
  LeaseSchedule lease(&clock, seconds(15), seconds(5));
  lease.Renewed();
  clock.Advance(seconds(11));
  EXPECT_TRUE(lease.MayStillHold());
  clock.Advance(milliseconds(999));
  EXPECT_TRUE(lease.MayStillHold());
  clock.Advance(milliseconds(1));
  EXPECT_FALSE(lease.MayStillHold()) << "another host may take a lease 12 s after its renewal";
}

TEST(PollBackoff, DoublesFromOneHundredMillisecondsUpToTheMaximum) {
  PollBackoff b(milliseconds(1000));
  EXPECT_EQ(b.Idle(), milliseconds(100));
  EXPECT_EQ(b.Idle(), milliseconds(200));
  EXPECT_EQ(b.Idle(), milliseconds(400));
  EXPECT_EQ(b.Idle(), milliseconds(800));
  EXPECT_EQ(b.Idle(), milliseconds(1000));
  EXPECT_EQ(b.Idle(), milliseconds(1000));
  b.Reset();
  EXPECT_EQ(b.Idle(), milliseconds(100));
}

TEST(PollBackoff, FailedWorkWaitsAtLeastTheFloorWithoutDoubling) {
  PollBackoff b(milliseconds(60000));
  EXPECT_EQ(b.AtLeast(milliseconds(1000)), milliseconds(1000));
  EXPECT_EQ(b.AtLeast(milliseconds(1000)), milliseconds(1000));
  EXPECT_EQ(b.Idle(), milliseconds(2000));
  EXPECT_EQ(b.AtLeast(milliseconds(1000)), milliseconds(2000));
}

TEST(TimerCatchUp, ARecordedNextOccurrenceInThePastRunsAtOnceAsPastDue) {
  nlohmann::json status = {{"Last", AzureTime(kNoon - 600)}, {"Next", AzureTime(kNoon - 300)}};
  TimerCatchUp d = DecideTimerCatchUp(status, kNoon, /*run_on_startup=*/true, false);
  EXPECT_TRUE(d.past_due);
  EXPECT_EQ(d.recorded_next, kNoon - 300);
  EXPECT_FALSE(d.run_on_startup) << "the past-due run stands in for the startup run";
}

TEST(TimerCatchUp, ARecordedNextOccurrenceStillAheadIsNotPastDue) {
  nlohmann::json status = {{"Next", AzureTime(kNoon + 300)}};
  EXPECT_FALSE(DecideTimerCatchUp(status, kNoon, false, false).past_due);
  EXPECT_FALSE(DecideTimerCatchUp(status, kNoon + 300, false, false).past_due)
      << "an occurrence due this second is run by the schedule, not as past due";
}

TEST(TimerCatchUp, RunOnStartupRunsOncePerHostStart) {
  EXPECT_TRUE(DecideTimerCatchUp(nlohmann::json(), kNoon, true, false).run_on_startup);
  EXPECT_FALSE(DecideTimerCatchUp(nlohmann::json(), kNoon, true, true).run_on_startup)
      << "a timer lock taken again later (after losing it) does not run it again";
  EXPECT_FALSE(DecideTimerCatchUp(nlohmann::json(), kNoon, false, false).run_on_startup);
}

TEST(TimerCatchUp, AStatusWithoutAReadableNextIsNotPastDue) {
  for (const nlohmann::json& status :
       {nlohmann::json::object(), nlohmann::json{{"Next", 5}}, nlohmann::json{{"Next", "soon"}},
        nlohmann::json("text")}) {
    TimerCatchUp d = DecideTimerCatchUp(status, kNoon, true, false);
    EXPECT_FALSE(d.past_due) << status.dump();
    EXPECT_TRUE(d.run_on_startup) << status.dump();
  }
}

TEST(TimerSchedule, TheNextOccurrenceFollowsTheClockAndNeverRepeatsTheLastRun) {
  ManualClock clock(kNoon + 10);
  auto every_minute = Parse("0 * * * * *");
  storage::TimeZone utc;
  int64_t next = 0;
  ASSERT_TRUE(NextTimerOccurrence(*every_minute, utc, clock.UnixSeconds(), 0, &next));
  EXPECT_EQ(next, kNoon + 60);
  // The occurrence at +60 fired early by a clock step back: the next is +120, not +60 again.
  clock.Advance(seconds(45));
  ASSERT_TRUE(NextTimerOccurrence(*every_minute, utc, clock.UnixSeconds(), kNoon + 60, &next));
  EXPECT_EQ(next, kNoon + 120);
  clock.Advance(seconds(3600));
  ASSERT_TRUE(NextTimerOccurrence(*every_minute, utc, clock.UnixSeconds(), kNoon + 60, &next));
  EXPECT_EQ(next, kNoon + 3660);
}

TEST(TimerSchedule, AnIntervalCountsFromTheClock) {
  auto every_ten = Parse("00:00:10");
  storage::TimeZone utc;
  int64_t next = 0;
  ASSERT_TRUE(NextTimerOccurrence(*every_ten, utc, kNoon, 0, &next));
  EXPECT_EQ(next, kNoon + 10);
}

TEST(TimerSchedule, AScheduleWithNoOccurrenceSaysSo) {
  auto never = Parse("0 0 0 30 2 *");
  storage::TimeZone utc;
  int64_t next = 0;
  EXPECT_FALSE(NextTimerOccurrence(*never, utc, kNoon, 0, &next));
}

TEST(TimerSchedule, UseMonitorDefaultsOffOnlyForSchedulesFasterThanAMinute) {
  storage::TimeZone utc;
  EXPECT_TRUE(TimerUsesMonitorByDefault(*Parse("0 */5 * * * *"), utc));
  EXPECT_TRUE(TimerUsesMonitorByDefault(*Parse("0 * * * * *"), utc));
  EXPECT_TRUE(TimerUsesMonitorByDefault(*Parse("00:01:00"), utc));
  EXPECT_FALSE(TimerUsesMonitorByDefault(*Parse("*/30 * * * * *"), utc));
  EXPECT_FALSE(TimerUsesMonitorByDefault(*Parse("00:00:10"), utc));
}

TEST(AzureTime, RoundTripsThroughTheFormatTheStatusBlobHolds) {
  int64_t back = 0;
  EXPECT_EQ(AzureTime(kNoon), "2026-01-01T12:00:00.0000000+00:00");
  ASSERT_TRUE(ParseAzureTime(AzureTime(kNoon), &back));
  EXPECT_EQ(back, kNoon);
  ASSERT_TRUE(ParseAzureTime("2026-01-01T14:00:00.0000000+02:00", &back));
  EXPECT_EQ(back, kNoon);
  ASSERT_TRUE(ParseAzureTime("2026-01-01T12:00:00Z", &back));
  EXPECT_EQ(back, kNoon);
  EXPECT_FALSE(ParseAzureTime("yesterday", &back));
}

}  // namespace
}  // namespace pyfn
