#include "host/telemetry/metric_exporter.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "host/telemetry/otlp_http.h"
#include "host/telemetry/otlp_json.h"

namespace pyfn {
namespace telemetry {
namespace {

constexpr auto kFailureLogInterval = std::chrono::seconds(60);

}  // namespace

MetricExporter::MetricExporter(const TelemetrySettings& settings, const std::string& version,
                               Collect collect, storage::HttpTransport* transport)
    : settings_(settings),
      version_(version),
      collect_(std::move(collect)),
      start_unix_nano_(NowUnixNano()),
      transport_(transport) {
  if (transport_ == nullptr) {
    own_transport_ = NewOtlpTransport(
        std::min(settings_.metrics.timeout, settings_.metrics.export_timeout), 1);
    transport_ = own_transport_.get();
  }
}

MetricExporter::~MetricExporter() { Shutdown(false); }

void MetricExporter::Start() {
  pyfn::MutexLock l(mu_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { Run(); });
}

void MetricExporter::Run() {
  pyfn::MutexLock l(mu_);
  while (!stopping_) {
    cv_.wait_for(l, settings_.metrics.interval, [&]() PYFN_REQUIRES(mu_) { return stopping_; });
    if (stopping_ && !final_export_) break;
    l.unlock();
    ExportOnce();
    l.lock();
  }
}

void MetricExporter::ExportOnce() {
  std::string error;
  bool ok = PostOtlp(transport_, settings_.metrics.url, settings_.metrics.headers, kOtlpJson,
                     EncodeMetricsRequest(settings_.resource, version_, collect_(),
                                          start_unix_nano_, NowUnixNano()),
                     &error);
  pyfn::MutexLock l(mu_);
  if (ok) {
    ++counters_.exports;
    if (failing_) spdlog::info("OpenTelemetry: exporting metrics to {} works again", settings_.metrics.url);
    failing_ = false;
    return;
  }
  ++counters_.failed;
  auto now = std::chrono::steady_clock::now();
  if (!failing_ || now - last_failure_log_ >= kFailureLogInterval) {
    last_failure_log_ = now;
    spdlog::warn("OpenTelemetry: cannot export metrics to {}: {} "
                 "(pyfn_otel_metric_exports_total{{result=\"failure\"}})",
                 settings_.metrics.url, error);
  }
  failing_ = true;
}

void MetricExporter::Shutdown(bool final_export) {
  pyfn::MutexLock l(mu_);
  if (stopping_) return;
  stopping_ = true;
  final_export_ = final_export;
  cv_.notify_all();
  l.unlock();
  if (thread_.joinable()) thread_.join();
}

MetricExporter::Counters MetricExporter::counters() const {
  pyfn::MutexLock l(mu_);
  return counters_;
}

std::vector<MetricFamily> MetricExporter::MetricFamilies() const {
  Counters c = counters();
  return {{"pyfn_otel_metric_exports_total",
           "OTLP metrics exports, by result (failure: the collector did not accept them).",
           MetricFamily::Type::kCounter,
           {},
           {MetricPoint::Int(static_cast<int64_t>(c.exports), {{"result", "success"}}),
            MetricPoint::Int(static_cast<int64_t>(c.failed), {{"result", "failure"}})}}};
}

}  // namespace telemetry
}  // namespace pyfn
