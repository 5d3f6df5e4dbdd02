#include "host/telemetry/metric_exporter.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "host/storage/beast_transport.h"
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
    storage::TransportOptions o;
    o.request_timeout = std::min(settings_.metrics.timeout, settings_.metrics.export_timeout);
    o.connect_timeout = std::min(o.request_timeout, o.connect_timeout);
    o.max_idle_connections = 1;
    own_transport_ = std::make_unique<storage::BeastTransport>(o);
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
  storage::HttpRequest req;
  req.method = "POST";
  req.url = settings_.metrics.url;
  req.headers = settings_.metrics.headers;
  req.SetHeader("Content-Type", "application/json");
  req.body = EncodeMetricsRequest(settings_.resource, version_, collect_(), start_unix_nano_,
                                  NowUnixNano());
  storage::HttpResponse resp;
  storage::Status s = transport_->Send(req, &resp);
  std::string error;
  if (!s.ok()) {
    error = s.message();
  } else if (resp.status < 200 || resp.status > 299) {
    error = "the collector answered " + std::to_string(resp.status);
    if (!resp.body.empty()) error += ": " + resp.body.substr(0, 200);
  }
  pyfn::MutexLock l(mu_);
  if (error.empty()) {
    ++counters_.exports;
    if (failing_) spdlog::info("OpenTelemetry: exporting metrics to {} works again", req.url);
    failing_ = false;
    return;
  }
  ++counters_.failed;
  auto now = std::chrono::steady_clock::now();
  if (!failing_ || now - last_failure_log_ >= kFailureLogInterval) {
    last_failure_log_ = now;
    spdlog::warn("OpenTelemetry: cannot export metrics to {}: {} "
                 "(pyfn_otel_metric_exports_total{{result=\"failure\"}})",
                 req.url, error);
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
