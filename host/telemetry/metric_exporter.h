// MetricExporter: the periodic reader and the OTLP/HTTP metrics exporter in one.
//
// Once started, a background thread calls `collect` every
// OTEL_METRIC_EXPORT_INTERVAL and POSTs what it returns (otlp_json.h,
// cumulative since the exporter was made) to the metrics URL; Shutdown()
// exports once more. `collect` gives the numbers the Prometheus endpoint
// shows (Host::CollectMetrics), so both expositions agree. Nothing runs on a
// request's thread: requests only update the counters `collect` reads.
//
// An export that fails (no answer within the timeout, or a non-2xx answer) is
// counted and not retried: the next one carries the cumulative values again.
// Failures are logged at most once a minute, and again when exports work
// again. A dead collector costs one connection attempt per interval.
//
// Thread safe. `collect` runs on the exporter's thread (and must be safe
// there) until Shutdown returns.
#ifndef PYFN_HOST_TELEMETRY_METRIC_EXPORTER_H_
#define PYFN_HOST_TELEMETRY_METRIC_EXPORTER_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "host/common/thread_annotations.h"
#include "host/metric_family.h"
#include "host/storage/http.h"
#include "host/telemetry/telemetry_settings.h"

namespace pyfn {
namespace telemetry {

class MetricExporter {
 public:
  using Collect = std::function<std::vector<MetricFamily>()>;
  // Sends with `transport` (not owned; tests pass a fake), or, when null, a
  // BeastTransport of its own whose request timeout is the smaller of the
  // OTLP timeout and OTEL_METRIC_EXPORT_TIMEOUT. Counting starts now.
  MetricExporter(const TelemetrySettings& settings, const std::string& version, Collect collect,
                 storage::HttpTransport* transport = nullptr);
  ~MetricExporter();  // Shutdown(false)

  // Starts the thread: the first export is one interval from now.
  void Start();
  // Stops the thread after one more export when `final_export` (and the
  // thread was started); waits for it, which the request timeout bounds.
  // Later calls do nothing.
  void Shutdown(bool final_export);

  struct Counters {
    uint64_t exports = 0;  // requests the collector accepted (2xx)
    uint64_t failed = 0;   // requests that failed
  };
  Counters counters() const;
  // pyfn_otel_metric_exports_total{result="success"|"failure"}.
  std::vector<MetricFamily> MetricFamilies() const;

 private:
  void Run();
  // Collects, encodes and POSTs once; counts and logs the result.
  void ExportOnce();

  const TelemetrySettings settings_;
  const std::string version_;
  const Collect collect_;
  const uint64_t start_unix_nano_;
  std::unique_ptr<storage::HttpTransport> own_transport_;
  storage::HttpTransport* transport_;

  mutable pyfn::Mutex mu_;
  pyfn::CondVar cv_;  // wakes the thread: stopping
  bool stopping_ PYFN_GUARDED_BY(mu_) = false;
  bool final_export_ PYFN_GUARDED_BY(mu_) = false;
  Counters counters_ PYFN_GUARDED_BY(mu_);
  bool failing_ PYFN_GUARDED_BY(mu_) = false;  // the last export failed
  std::chrono::steady_clock::time_point last_failure_log_ PYFN_GUARDED_BY(mu_) {};
  std::thread thread_;
};

}  // namespace telemetry
}  // namespace pyfn

#endif  // PYFN_HOST_TELEMETRY_METRIC_EXPORTER_H_
