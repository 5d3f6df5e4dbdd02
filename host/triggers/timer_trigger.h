// TimerTrigger: one function's timer (spec B7), as Azure's timer trigger:
//   - `schedule`: six-field NCRONTAB or a TimeSpan interval (%Setting%
//     allowed), in WEBSITE_TIME_ZONE / TZ (default UTC);
//   - only one host sharing the storage account runs the timer: it holds a
//     15 s blob lease on azure-webjobs-hosts/locks/<hostId>/<Function>.Listener,
//     renewed every 5 s; the others retry every 5 s and take over when it
//     lapses;
//   - `useMonitor` (default true for schedules of a minute or more, as Azure):
//     last/next occurrence in azure-webjobs-hosts/timers/<hostId>/<Function>/status;
//     a recorded next occurrence already past at start fires at once with
//     IsPastDue true;
//   - `runOnStartup` fires once when this host starts the timer;
//   - a function retry policy (fixedDelay / exponentialBackoff) retries a
//     failed occurrence with retry_context set;
//   - the worker gets Azure's TimerInfo JSON: {"Schedule":{"AdjustForDST":
//     true},"ScheduleStatus":{"Last","Next","LastUpdated"}|null,"IsPastDue"}.
// Without AzureWebJobsStorage the timer runs unlocked and unmonitored (one
// host), with a warning.
#ifndef PYFN_HOST_TIMER_TRIGGER_H_
#define PYFN_HOST_TIMER_TRIGGER_H_

#include <memory>
#include <string>

#include "host/app/function_model.h"
#include "host/triggers/storage_runtime.h"
#include "host/triggers/trigger_clock.h"
#include "host/workers/invoker.h"

namespace pyfn {

class TimerTrigger {
 public:
  TimerTrigger(StorageRuntime* runtime, Invoker* invoker, const FunctionSpec& fn,
               const TriggerClock* clock = &TriggerClock::System());
  ~TimerTrigger();

  Status Start();
  void Stop();

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace pyfn

#endif  // PYFN_HOST_TIMER_TRIGGER_H_
