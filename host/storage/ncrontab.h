// Timer schedules as Azure Functions' timer trigger takes them:
//   - six-field NCRONTAB "{second} {minute} {hour} {day} {month} {day-of-week}"
//     with '*', lists (1,5), ranges (1-5), steps (*/10, 5-40/5, 5/15 = from 5
//     to the field's maximum), month names (Jan..Dec, January..December) and
//     day names (Sun..Sat, Sunday..Saturday), case-insensitive; day-of-week
//     0-6 with 0 = Sunday (7 also means Sunday). As in NCrontab, a day must
//     match both the day and the day-of-week fields.
//   - a TimeSpan interval "hh:mm:ss", "hh:mm" or "d.hh:mm:ss" (fires every
//     interval).
//
// Occurrences are computed in a TimeZone (WEBSITE_TIME_ZONE / TZ). Across
// daylight-saving transitions (the rules of the Cronos library, which
// Azure's own scheduler follows in spirit):
//   - a wall time skipped by a spring-forward gap fires once, at the
//     transition (02:30 on a day that jumps 02:00 -> 03:00 fires at 03:00);
//   - a wall time repeated by a fall-back overlap fires once, at its first
//     occurrence, unless the second, minute or hour field has '*' or a step
//     (an "interval" expression such as 0 */15 * * * *), which fires in both.
#ifndef PYFN_HOST_STORAGE_NCRONTAB_H_
#define PYFN_HOST_STORAGE_NCRONTAB_H_

#include <bitset>
#include <cstdint>
#include <memory>
#include <string>

#include "host/storage/status.h"
#include "host/storage/timezone.h"

namespace pyfn {
namespace storage {

class Schedule {
 public:
  virtual ~Schedule() = default;
  // The first occurrence strictly after `after` (Unix seconds). Returns
  // false when there is none within the next hundred years (0 0 0 30 2 *).
  virtual bool Next(int64_t after, const TimeZone& tz, int64_t* next) const = 0;
  // The expression as parsed.
  virtual const std::string& expression() const = 0;
  virtual bool is_interval() const = 0;
};

class CronSchedule : public Schedule {
 public:
  // InvalidArgument naming the expression, the field and the bad value.
  static Status Parse(const std::string& expression, std::unique_ptr<CronSchedule>* out);

  bool Next(int64_t after, const TimeZone& tz, int64_t* next) const override;
  const std::string& expression() const override { return expression_; }
  bool is_interval() const override { return false; }

  // The first wall time >= local (civil seconds, no zone) that matches.
  bool NextLocal(int64_t local, int64_t* match) const;

 private:
  std::string expression_;
  std::bitset<60> seconds_, minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_;     // 1..31
  std::bitset<13> months_;   // 1..12
  std::bitset<7> weekdays_;  // 0 = Sunday
  bool fires_in_both_overlaps_ = false;
};

class IntervalSchedule : public Schedule {
 public:
  // "hh:mm:ss", "hh:mm", "d.hh:mm:ss" (optionally ".fffffff" seconds
  // fraction, ignored). InvalidArgument when malformed or not positive.
  static Status Parse(const std::string& expression, std::unique_ptr<IntervalSchedule>* out);
  // Whether the text has the TimeSpan shape at all (digits, ':' and '.').
  static bool LooksLikeTimeSpan(const std::string& expression);

  bool Next(int64_t after, const TimeZone& tz, int64_t* next) const override;
  const std::string& expression() const override { return expression_; }
  bool is_interval() const override { return true; }
  int64_t seconds() const { return seconds_; }

 private:
  std::string expression_;
  int64_t seconds_ = 0;
};

// A TimeSpan-shaped expression gives an IntervalSchedule, anything else is
// parsed as NCRONTAB.
Status ParseSchedule(const std::string& expression, std::unique_ptr<Schedule>* out);

}  // namespace storage
}  // namespace pyfn

#endif  // PYFN_HOST_STORAGE_NCRONTAB_H_
