// Prometheus text exposition (format 0.0.4) of the host's counters
// (issue 8 item 5). Served at GET /admin/metrics (master key) and, with
// PYFN_METRICS_PORT, at /metrics on a separate port without a key.
//
//   pyfn_invocations_total{function,outcome}          counter; outcome: success,
//                                                      failure, timeout, unavailable, error
//   pyfn_invocation_duration_seconds{function}        histogram
//   pyfn_http_responses_total{code}                    counter, every answer the server wrote
//   pyfn_http_throttled_total                          counter (429 from the limits)
//   pyfn_invocations_in_flight, pyfn_http_queued, pyfn_workers_ready,
//   pyfn_worker_restarts_total, pyfn_host_ready, pyfn_process_resident_memory_bytes,
//   pyfn_process_uptime_seconds                        read at scrape time (Gauges)
// HTTP invocations are counted by the host; other triggers are not (yet).
// Thread safe.
#ifndef PYFN_HOST_METRICS_H_
#define PYFN_HOST_METRICS_H_

#include <array>
#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <utility>

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

  void RecordInvocation(const std::string& function, const std::string& outcome, double seconds);
  void RecordHttpStatus(int status);

  std::string Render(const Gauges& g) const;

 private:
  struct Histogram {
    std::array<long long, kBuckets.size()> counts{};
    long long count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::pair<std::string, std::string>, long long> invocations_;  // GUARDED_BY(mu_)
  std::map<std::string, Histogram> durations_;                            // GUARDED_BY(mu_)
  std::map<int, long long> statuses_;                                     // GUARDED_BY(mu_)
};

// Prometheus label value escaping: backslash, double quote, new line.
std::string EscapeLabel(const std::string& v);

// The process's resident set size in bytes (/proc/self/statm), 0 if unknown.
long long ResidentBytes();

}  // namespace pyfn

#endif  // PYFN_HOST_METRICS_H_
