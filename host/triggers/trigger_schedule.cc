#include "host/triggers/trigger_schedule.h"

#include <algorithm>

#include "host/triggers/trigger_util.h"

namespace pyfn {

TimerCatchUp DecideTimerCatchUp(const nlohmann::json& status, int64_t now, bool run_on_startup,
                                bool started_once) {
  TimerCatchUp d;
  if (status.is_object()) {
    auto it = status.find("Next");
    int64_t next = 0;
    if (it != status.end() && it->is_string() && ParseAzureTime(it->get<std::string>(), &next) &&
        next < now) {
      d.past_due = true;
      d.recorded_next = next;
      return d;
    }
  }
  d.run_on_startup = run_on_startup && !started_once;
  return d;
}

bool NextTimerOccurrence(const storage::Schedule& schedule, const storage::TimeZone& tz,
                         int64_t now, int64_t last_fired, int64_t* next) {
  return schedule.Next(std::max(now, last_fired), tz, next);
}

bool TimerUsesMonitorByDefault(const storage::Schedule& schedule, const storage::TimeZone& tz) {
  // Two consecutive occurrences from a fixed instant tell the schedule's pace.
  int64_t t1 = 0, t2 = 0;
  if (schedule.Next(1700000000, tz, &t1) && schedule.Next(t1, tz, &t2)) return t2 - t1 >= 60;
  return true;
}

}  // namespace pyfn
