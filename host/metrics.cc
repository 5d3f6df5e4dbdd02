#include "host/metrics.h"

#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <sstream>

namespace pyfn {

constexpr std::array<double, 14> Metrics::kBuckets;
constexpr std::array<double, 14> Metrics::kLagBuckets;

namespace {

template <size_t N>
void RenderHistogram(std::ostringstream& o, const char* name, const std::string& labels,
                     const std::array<double, N>& bounds, const std::vector<long long>& counts,
                     long long count, double sum) {
  for (size_t i = 0; i < N; ++i)
    o << name << "_bucket{" << labels << ",le=\"" << bounds[i] << "\"} "
      << (i < counts.size() ? counts[i] : 0) << "\n";
  o << name << "_bucket{" << labels << ",le=\"+Inf\"} " << count << "\n";
  o << name << "_sum{" << labels << "} " << sum << "\n";
  o << name << "_count{" << labels << "} " << count << "\n";
}

}  // namespace

template <size_t N>
void Metrics::Histogram::Observe(const std::array<double, N>& bounds, double v) {
  counts.resize(N);
  for (size_t i = 0; i < N; ++i)
    if (v <= bounds[i]) ++counts[i];
  ++count;
  sum += v;
}

std::string TriggerLabel(const std::string& binding_type) {
  std::string t;
  for (char c : binding_type) t += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (t.size() > 7 && t.compare(t.size() - 7, 7, "trigger") == 0) t.resize(t.size() - 7);
  return t.empty() ? "unknown" : t;
}

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

void Metrics::RecordInvocation(const std::string& function, const std::string& trigger,
                               const std::string& outcome, double seconds) {
  pyfn::MutexLock l(mu_);
  ++invocations_[{function, trigger, outcome}];
  durations_[{function, trigger}].Observe(kBuckets, seconds);
}

void Metrics::RecordQueueLag(const std::string& function, const std::string& queue,
                             double seconds) {
  pyfn::MutexLock l(mu_);
  queue_lags_[{function, queue}].Observe(kLagBuckets, seconds < 0 ? 0 : seconds);
}

void Metrics::SetQueueLength(const std::string& function, const std::string& queue,
                             long long messages) {
  pyfn::MutexLock l(mu_);
  queue_lengths_[{function, queue}] = messages;
}

void Metrics::RecordHttpStatus(int status) {
  pyfn::MutexLock l(mu_);
  ++statuses_[status];
}

std::string Metrics::Render(const Gauges& g) const {
  std::ostringstream o;
  o.precision(10);
  pyfn::MutexLock l(mu_);
  o << "# HELP pyfn_invocations_total Function invocations by trigger and outcome.\n"
       "# TYPE pyfn_invocations_total counter\n";
  for (const auto& kv : invocations_)
    o << "pyfn_invocations_total{function=\"" << EscapeLabel(std::get<0>(kv.first))
      << "\",trigger=\"" << EscapeLabel(std::get<1>(kv.first)) << "\",outcome=\""
      << std::get<2>(kv.first) << "\"} " << kv.second << "\n";
  o << "# HELP pyfn_invocation_duration_seconds Invocation duration.\n"
       "# TYPE pyfn_invocation_duration_seconds histogram\n";
  for (const auto& kv : durations_)
    RenderHistogram(o, "pyfn_invocation_duration_seconds",
                    "function=\"" + EscapeLabel(kv.first.first) + "\",trigger=\"" +
                        EscapeLabel(kv.first.second) + "\"",
                    kBuckets, kv.second.counts, kv.second.count, kv.second.sum);
  o << "# HELP pyfn_queue_trigger_lag_seconds From a queue message's insertion to its first "
       "dequeue by this host.\n"
       "# TYPE pyfn_queue_trigger_lag_seconds histogram\n";
  for (const auto& kv : queue_lags_)
    RenderHistogram(o, "pyfn_queue_trigger_lag_seconds",
                    "function=\"" + EscapeLabel(kv.first.first) + "\",queue=\"" +
                        EscapeLabel(kv.first.second) + "\"",
                    kLagBuckets, kv.second.counts, kv.second.count, kv.second.sum);
  o << "# HELP pyfn_queue_messages Approximate messages in a queue trigger's queue.\n"
       "# TYPE pyfn_queue_messages gauge\n";
  for (const auto& kv : queue_lengths_)
    o << "pyfn_queue_messages{function=\"" << EscapeLabel(kv.first.first) << "\",queue=\""
      << EscapeLabel(kv.first.second) << "\"} " << kv.second << "\n";
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
