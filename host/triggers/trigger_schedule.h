// The decisions the storage triggers make about time, apart from the storage
// calls and threads that carry them out, so each can be tested with a
// ManualClock (trigger_clock.h):
//   - LeaseSchedule: when a held blob lease is renewed and how long a trigger
//     may go on believing it holds it after a failed renewal;
//   - PollBackoff: how long the queue and blob triggers wait between polls;
//   - the timer's catch-up at start, its next occurrence and its useMonitor
//     default.
#ifndef PYFN_HOST_TRIGGER_SCHEDULE_H_
#define PYFN_HOST_TRIGGER_SCHEDULE_H_

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>

#include "host/storage/ncrontab.h"
#include "host/storage/timezone.h"
#include "host/triggers/trigger_clock.h"

namespace pyfn {

// A blob lease of `lease` renewed every `renew_every`, as Azure's listener
// locks (15 s, renewed every 5 s).
class LeaseSchedule {
 public:
  LeaseSchedule(const TriggerClock* clock, std::chrono::seconds lease,
                std::chrono::seconds renew_every)
      : clock_(clock), lease_(lease), renew_every_(renew_every) {}

  // The lease was acquired or renewed now.
  void Renewed() { last_ = clock_->Steady(); }
  // renew_every has passed since the last renewal.
  bool RenewDue() const { return clock_->Steady() - last_ >= renew_every_; }
  // After a renewal failed for a transient reason: true while the lease, less
  // a 3 s margin for clock drift between host and storage, has not lapsed, so
  // the holder keeps going and tries again; false once another host may
  // have taken it.
  bool MayStillHold() const {
    return clock_->Steady() - last_ < lease_ - std::chrono::seconds(3);
  }

 private:
  const TriggerClock* clock_;
  std::chrono::seconds lease_, renew_every_;
  std::chrono::steady_clock::time_point last_{};
};

// The wait between polls of an idle queue or container: 100 ms after the
// first poll that found nothing, doubling up to `max` (Azure's queue
// listener); none after a poll that found work.
class PollBackoff {
 public:
  explicit PollBackoff(std::chrono::milliseconds max) : max_(max) {}

  // A poll found nothing (or storage did not answer): the wait before the next.
  std::chrono::milliseconds Idle() {
    using std::chrono::milliseconds;
    delay_ = delay_.count() == 0 ? milliseconds(100) : std::min(delay_ * 2, max_);
    return delay_;
  }
  // Work failed and will be retried: wait at least `floor`, without doubling.
  std::chrono::milliseconds AtLeast(std::chrono::milliseconds floor) {
    delay_ = std::max(delay_, floor);
    return delay_;
  }
  // A poll found work: poll again at once.
  void Reset() { delay_ = std::chrono::milliseconds(0); }

 private:
  std::chrono::milliseconds max_;
  std::chrono::milliseconds delay_{0};
};

// What a timer does when it has just taken the timer lock (Azure's schedule
// monitor): a recorded next occurrence already past runs at once with
// IsPastDue; otherwise runOnStartup runs once per host start.
struct TimerCatchUp {
  bool past_due = false;
  int64_t recorded_next = 0;  // the missed occurrence when past_due
  bool run_on_startup = false;
};
// `status` is the schedule status blob's JSON (null or not an object when
// there is none); `started_once` whether this host already ran its startup.
TimerCatchUp DecideTimerCatchUp(const nlohmann::json& status, int64_t now, bool run_on_startup,
                                bool started_once);

// The next occurrence to wait for: after now, and never `last_fired` again
// (a fast run must not fire the same occurrence twice). False when the
// schedule has none.
bool NextTimerOccurrence(const storage::Schedule& schedule, const storage::TimeZone& tz,
                         int64_t now, int64_t last_fired, int64_t* next);

// Azure's useMonitor default: true, except for schedules that fire more often
// than once a minute.
bool TimerUsesMonitorByDefault(const storage::Schedule& schedule, const storage::TimeZone& tz);

}  // namespace pyfn

#endif  // PYFN_HOST_TRIGGER_SCHEDULE_H_
