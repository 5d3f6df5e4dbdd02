#include "host/metrics.h"

#include <unistd.h>

#include <cstdio>

#include "host/common/strings.h"

namespace pyfn {

constexpr std::array<double, 14> Metrics::kBuckets;
constexpr std::array<double, 14> Metrics::kLagBuckets;

namespace {

template <size_t N>
MetricFamily HistogramFamily(const char* name, const char* help, const char* second_label,
                             const std::array<double, N>& bounds,
                             const std::map<std::pair<std::string, std::string>,
                                            Metrics::HistogramData>& data) {
  MetricFamily f{name, help, MetricFamily::Type::kHistogram,
                 std::vector<double>(bounds.begin(), bounds.end()), {}};
  for (const auto& kv : data) {
    MetricPoint p;
    p.labels = {{"function", kv.first.first}, {second_label, kv.first.second}};
    p.bucket_counts = kv.second.counts;
    p.bucket_counts.resize(N + 1);
    p.count = kv.second.count;
    p.sum = kv.second.sum;
    f.points.push_back(std::move(p));
  }
  return f;
}

}  // namespace

template <size_t N>
void Metrics::HistogramData::Observe(const std::array<double, N>& bounds, double v) {
  counts.resize(N + 1);
  size_t i = 0;
  while (i < N && v > bounds[i]) ++i;
  ++counts[i];
  ++count;
  sum += v;
}

std::string TriggerLabel(const std::string& binding_type) {
  std::string t = AsciiLower(binding_type);
  if (t.size() > 7 && t.compare(t.size() - 7, 7, "trigger") == 0) t.resize(t.size() - 7);
  if (t.empty()) t = "unknown";
  return t;
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

std::vector<MetricFamily> Metrics::Collect(const Gauges& g) const {
  using Type = MetricFamily::Type;
  std::vector<MetricFamily> out;
  out.reserve(16);
  pyfn::MutexLock l(mu_);
  MetricFamily inv{"pyfn_invocations_total", "Function invocations by trigger and outcome.",
                   Type::kCounter, {}, {}};
  for (const auto& kv : invocations_)
    inv.points.push_back(MetricPoint::Int(kv.second, {{"function", std::get<0>(kv.first)},
                                                      {"trigger", std::get<1>(kv.first)},
                                                      {"outcome", std::get<2>(kv.first)}}));
  out.push_back(std::move(inv));
  out.push_back(HistogramFamily("pyfn_invocation_duration_seconds", "Invocation duration.",
                                "trigger", kBuckets, durations_));
  out.push_back(HistogramFamily(
      "pyfn_queue_trigger_lag_seconds",
      "From a queue message's insertion to its first dequeue by this host.", "queue",
      kLagBuckets, queue_lags_));
  MetricFamily len{"pyfn_queue_messages", "Approximate messages in a queue trigger's queue.",
                   Type::kGauge, {}, {}};
  for (const auto& kv : queue_lengths_)
    len.points.push_back(
        MetricPoint::Int(kv.second, {{"function", kv.first.first}, {"queue", kv.first.second}}));
  out.push_back(std::move(len));
  MetricFamily codes{"pyfn_http_responses_total", "HTTP responses written, by status code.",
                     Type::kCounter, {}, {}};
  for (const auto& kv : statuses_)
    codes.points.push_back(MetricPoint::Int(kv.second, {{"code", std::to_string(kv.first)}}));
  out.push_back(std::move(codes));
  l.unlock();
  auto one = [&out](const char* name, const char* help, Type type, MetricPoint p) {
    out.push_back(MetricFamily{name, help, type, {}, {std::move(p)}});
  };
  one("pyfn_http_throttled_total", "Requests refused with 429 by maxOutstandingRequests.",
      Type::kCounter, MetricPoint::Int(g.throttled));
  one("pyfn_invocations_in_flight", "Invocations started and not finished.", Type::kGauge,
      MetricPoint::Int(g.in_flight));
  one("pyfn_http_queued", "HTTP requests waiting for maxConcurrentRequests.", Type::kGauge,
      MetricPoint::Int(g.queued));
  one("pyfn_workers_ready", "Workers that loaded the functions.", Type::kGauge,
      MetricPoint::Int(g.workers_ready));
  one("pyfn_worker_restarts_total", "Worker processes restarted.", Type::kCounter,
      MetricPoint::Int(g.worker_restarts));
  one("pyfn_host_ready", "1 when the host is ready for traffic.", Type::kGauge,
      MetricPoint::Int(g.ready ? 1 : 0));
  one("pyfn_process_resident_memory_bytes", "Resident memory of pyfn-host.", Type::kGauge,
      MetricPoint::Int(ResidentBytes()));
  one("pyfn_process_uptime_seconds", "Seconds since pyfn-host started.", Type::kGauge,
      MetricPoint::Double(g.uptime_seconds));
  return out;
}

std::string Metrics::Render(const Gauges& g) const { return RenderPrometheus(Collect(g)); }

}  // namespace pyfn
