// TimeZone: UTC offsets from the system tz database (TZif files under
// /usr/share/zoneinfo, or TZDIR), read directly so that no process-global
// TZ/tzset state is touched and lookups are thread safe. Times beyond the
// file's last transition follow its POSIX TZ footer rule. A POSIX TZ string
// ("EST5EDT,M3.2.0,M11.1.0") is accepted as a zone too.
//
// Why not Howard Hinnant's date/tz (Debian's libhowardhinnant-date-dev 3.0.1,
// libdate-tz.so.3): Debian builds it with USE_OS_TZDB=1, and in that mode it
// ignores the POSIX rule at the end of each TZif file, so after a zone's last
// listed transition (2037 in bookworm's tzdata 2025b) it keeps the last
// offset. Measured on bookworm: America/New_York on 2040-06-29 and
// 2100-07-01 came out as -05:00 (EST; right is -04:00, EDT), and
// Australia/Sydney on 2050-07-01 as +11:00 (right is +10:00). A timer with a
// CRON schedule past 2037 would fire an hour off; by the same rule a tzdata
// built "slim" (transitions listed only until the rule takes over) would give
// wrong offsets for present dates. That mode also reads neither TZDIR nor
// ":/path" zones, and the library exists only as a shared object (one more
// runtime package in every image). This reader is ~350 lines, tested against
// Python's zoneinfo (timezone_test.cc), so it stays.
#ifndef PYFN_HOST_STORAGE_TIMEZONE_H_
#define PYFN_HOST_STORAGE_TIMEZONE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "host/storage/status.h"

namespace pyfn {
namespace storage {

class TimeZone {
 public:
  // UTC.
  TimeZone();

  // name: an IANA name ("Europe/Berlin"), "UTC", a common Windows name
  // ("W. Europe Standard Time", as WEBSITE_TIME_ZONE takes on Windows),
  // ":name" or ":/path" (TZ syntax), or a POSIX TZ string. NotFound when no
  // such zone exists; InvalidArgument when the file or string is malformed.
  static Status Load(const std::string& name, TimeZone* tz);

  // The zone Azure Functions uses for timer schedules: WEBSITE_TIME_ZONE,
  // else TZ, else UTC. getenv is the lookup (tests pass their own).
  static Status FromEnvironment(TimeZone* tz,
                                const std::function<const char*(const char*)>& getenv_fn = nullptr);

  const std::string& name() const { return name_; }

  // Seconds east of UTC in effect at the instant utc (Unix seconds).
  int OffsetAt(int64_t utc) const;

  // Local civil time (Unix-style seconds counted in local wall time) to UTC.
  // Returns how many instants show that wall time: 1 (normal), 2 (in a
  // fall-back overlap; earlier first in out[0], out[1]) or 0 (skipped by a
  // spring-forward gap; *gap_end is then the transition instant, the first
  // one after the gap).
  int LocalToUtc(int64_t local, int64_t out[2], int64_t* gap_end) const;

  // A transition rule from a POSIX TZ string (exposed for tests).
  struct PosixRule {
    bool valid = false;
    int std_offset = 0;  // seconds east of UTC
    bool has_dst = false;
    int dst_offset = 0;
    // Start/end of DST: kind 'J' (Julian 1..365, no Feb 29), 'D' (0..365),
    // 'M' (month.week.weekday); time in seconds of local time.
    struct Date {
      char kind = 'M';
      int a = 0, b = 0, c = 0;
      int time = 7200;
    } start, end;
    int OffsetAt(int64_t utc) const;
  };
  static bool ParsePosixRule(const std::string& tz, PosixRule* rule);

 private:
  Status ParseTzif(const std::string& data);

  std::string name_ = "UTC";
  std::vector<int64_t> transitions_;  // UTC instants, ascending
  std::vector<int> offsets_;          // offsets_[i]: in effect from transitions_[i]
  int initial_offset_ = 0;            // before the first transition
  PosixRule footer_;                  // after the last transition, when valid
};

}  // namespace storage
}  // namespace pyfn

#endif  // PYFN_HOST_STORAGE_TIMEZONE_H_
