#include "metrics.h"

#include <unistd.h>

#include <cstdio>
#include <sstream>

namespace pyfn {

constexpr std::array<double, 14> Metrics::kBuckets;

std::string EscapeLabel(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

long long ResidentBytes() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  long long size = 0, resident = 0;
  int n = std::fscanf(f, "%lld %lld", &size, &resident);
  std::fclose(f);
  if (n != 2) return 0;
  return resident * ::sysconf(_SC_PAGESIZE);
}

void Metrics::RecordInvocation(const std::string& function, const std::string& outcome,
                               double seconds) {
  std::lock_guard<std::mutex> l(mu_);
  ++invocations_[{function, outcome}];
  Histogram& h = durations_[function];
  for (size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) ++h.counts[i];
  ++h.count;
  h.sum += seconds;
}

void Metrics::RecordHttpStatus(int status) {
  std::lock_guard<std::mutex> l(mu_);
  ++statuses_[status];
}

std::string Metrics::Render(const Gauges& g) const {
  std::ostringstream o;
  o.precision(10);
  std::lock_guard<std::mutex> l(mu_);
  o << "# HELP pyfn_invocations_total Function invocations by outcome.\n"
       "# TYPE pyfn_invocations_total counter\n";
  for (const auto& kv : invocations_)
    o << "pyfn_invocations_total{function=\"" << EscapeLabel(kv.first.first) << "\",outcome=\""
      << kv.first.second << "\"} " << kv.second << "\n";
  o << "# HELP pyfn_invocation_duration_seconds Invocation duration.\n"
       "# TYPE pyfn_invocation_duration_seconds histogram\n";
  for (const auto& kv : durations_) {
    std::string fn = EscapeLabel(kv.first);
    for (size_t i = 0; i < kBuckets.size(); ++i)
      o << "pyfn_invocation_duration_seconds_bucket{function=\"" << fn << "\",le=\""
        << kBuckets[i] << "\"} " << kv.second.counts[i] << "\n";
    o << "pyfn_invocation_duration_seconds_bucket{function=\"" << fn << "\",le=\"+Inf\"} "
      << kv.second.count << "\n";
    o << "pyfn_invocation_duration_seconds_sum{function=\"" << fn << "\"} " << kv.second.sum
      << "\n";
    o << "pyfn_invocation_duration_seconds_count{function=\"" << fn << "\"} " << kv.second.count
      << "\n";
  }
  o << "# HELP pyfn_http_responses_total HTTP responses written, by status code.\n"
       "# TYPE pyfn_http_responses_total counter\n";
  for (const auto& kv : statuses_)
    o << "pyfn_http_responses_total{code=\"" << kv.first << "\"} " << kv.second << "\n";
  o << "# HELP pyfn_http_throttled_total Requests refused with 429 by maxOutstandingRequests.\n"
       "# TYPE pyfn_http_throttled_total counter\n"
       "pyfn_http_throttled_total " << g.throttled << "\n"
       "# HELP pyfn_invocations_in_flight Invocations started and not finished.\n"
       "# TYPE pyfn_invocations_in_flight gauge\n"
       "pyfn_invocations_in_flight " << g.in_flight << "\n"
       "# HELP pyfn_http_queued HTTP requests waiting for maxConcurrentRequests.\n"
       "# TYPE pyfn_http_queued gauge\n"
       "pyfn_http_queued " << g.queued << "\n"
       "# HELP pyfn_workers_ready Workers that loaded the functions.\n"
       "# TYPE pyfn_workers_ready gauge\n"
       "pyfn_workers_ready " << g.workers_ready << "\n"
       "# HELP pyfn_worker_restarts_total Worker processes restarted.\n"
       "# TYPE pyfn_worker_restarts_total counter\n"
       "pyfn_worker_restarts_total " << g.worker_restarts << "\n"
       "# HELP pyfn_host_ready 1 when the host is ready for traffic.\n"
       "# TYPE pyfn_host_ready gauge\n"
       "pyfn_host_ready " << (g.ready ? 1 : 0) << "\n"
       "# HELP pyfn_process_resident_memory_bytes Resident memory of pyfn-host.\n"
       "# TYPE pyfn_process_resident_memory_bytes gauge\n"
       "pyfn_process_resident_memory_bytes " << ResidentBytes() << "\n"
       "# HELP pyfn_process_uptime_seconds Seconds since pyfn-host started.\n"
       "# TYPE pyfn_process_uptime_seconds gauge\n"
       "pyfn_process_uptime_seconds " << g.uptime_seconds << "\n";
  return o.str();
}

}  // namespace pyfn
