// Prometheus text exposition (format 0.0.4) of the host's counters
// (docs/behaviour.md host-metrics). Served at GET /admin/metrics (master key) and, with
// PYFN_METRICS_PORT, at /metrics on a separate port without a key.
//
//   pyfn_invocations_total{function,trigger,outcome}  counter; trigger: http, queue,
//                                                      timer, blob (TriggerLabel);
//                                                      outcome: success, failure,
//                                                      timeout, unavailable, error
//   pyfn_invocation_duration_seconds{function,trigger} histogram (kBuckets)
//   pyfn_queue_trigger_lag_seconds{function,queue}     histogram (kLagBuckets): from a
//                                                      message's InsertionTime to its
//                                                      first dequeue by this host
//   pyfn_queue_messages{function,queue}                gauge: the queue's approximate
//                                                      message count, as last polled
//   pyfn_http_responses_total{code}                    counter, every answer the server wrote
//   pyfn_http_throttled_total                          counter (429 from the limits)
//   pyfn_invocations_in_flight, pyfn_http_queued, pyfn_workers_ready,
//   pyfn_worker_restarts_total, pyfn_host_ready, pyfn_process_resident_memory_bytes,
//   pyfn_process_uptime_seconds                        read at scrape time (Gauges)
// Every invocation counts, whatever its trigger (the invoker reports them);
// each retry of a timer or blob trigger is an invocation of its own.
// Collect() gives the same numbers as data (metric_family.h) for the OTLP
// metrics export. Thread safe.
#ifndef PYFN_HOST_METRICS_H_
#define PYFN_HOST_METRICS_H_

#include <array>
#include <atomic>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "host/common/thread_annotations.h"
#include "host/metric_family.h"

namespace pyfn {

class Metrics {
 public:
  struct Gauges {
    int in_flight = 0;
    int queued = 0;
    int workers_ready = 0;
    long long worker_restarts = 0;
    long long throttled = 0;
    bool ready = false;
    double uptime_seconds = 0;
  };

  static constexpr std::array<double, 14> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                                      1,     2.5,  5,     10,   30,  60,  300};
  // InsertionTime has a resolution of one second, so lags are up to 1 s high.
  static constexpr std::array<double, 14> kLagBuckets = {0.5, 1,   2,    5,    10,   30,    60,
                                                         120, 300, 600, 1800, 3600, 21600, 86400};

  struct HistogramData {
    std::vector<uint64_t> counts;  // per bucket (not cumulative), the last one above every bound
    uint64_t count = 0;
    double sum = 0;
    template <size_t N>
    void Observe(const std::array<double, N>& bounds, double v);
  };

  // trigger: TriggerLabel() of the function's trigger binding type.
  void RecordInvocation(const std::string& function, const std::string& trigger,
                        const std::string& outcome, double seconds);
  void RecordQueueLag(const std::string& function, const std::string& queue, double seconds);
  void SetQueueLength(const std::string& function, const std::string& queue, long long messages);
  void RecordHttpStatus(int status);

  // Every family above, in that order (those without samples too).
  std::vector<MetricFamily> Collect(const Gauges& g) const;
  // RenderPrometheus(Collect(g)).
  std::string Render(const Gauges& g) const;

 private:
  using Labels = std::pair<std::string, std::string>;  // (function, trigger) or (function, queue)
  mutable pyfn::Mutex mu_;
  std::map<std::tuple<std::string, std::string, std::string>, long long>
      invocations_ PYFN_GUARDED_BY(mu_);  // (function, trigger, outcome)
  std::map<Labels, HistogramData> durations_ PYFN_GUARDED_BY(mu_);
  std::map<Labels, HistogramData> queue_lags_ PYFN_GUARDED_BY(mu_);
  std::map<Labels, long long> queue_lengths_ PYFN_GUARDED_BY(mu_);
  std::map<int, long long> statuses_ PYFN_GUARDED_BY(mu_);
};

// "httpTrigger" -> "http", "queueTrigger" -> "queue", "timerTrigger" ->
// "timer", "blobTrigger" -> "blob" (any "<x>Trigger" -> lower-cased <x>);
// "" -> "unknown".
std::string TriggerLabel(const std::string& binding_type);

// The process's resident set size in bytes (/proc/self/statm), 0 if unknown.
long long ResidentBytes();

}  // namespace pyfn

#endif  // PYFN_HOST_METRICS_H_
