#include "host/telemetry/span_exporter.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "host/telemetry/otlp_http.h"
#include "host/telemetry/otlp_json.h"
#include "host/telemetry/otlp_proto.h"

namespace pyfn {
namespace telemetry {
namespace {

constexpr auto kDropLogInterval = std::chrono::seconds(60);

std::chrono::milliseconds RequestTimeout(const TelemetrySettings& s) {
  return std::min(s.timeout, s.batch.export_timeout);
}

}  // namespace

SpanExporter::SpanExporter(const TelemetrySettings& settings, const std::string& version,
                           storage::HttpTransport* transport)
    : settings_(settings), version_(version), transport_(transport) {
  if (transport_ == nullptr) {
    own_transport_ = NewOtlpTransport(RequestTimeout(settings_), 2);
    transport_ = own_transport_.get();
  }
  thread_ = std::thread([this] { Run(); });
}

SpanExporter::~SpanExporter() { Shutdown(std::chrono::milliseconds(0)); }

void SpanExporter::Add(SpanData&& span) {
  pyfn::MutexLock l(mu_);
  if (stopping_ || queue_.size() >= settings_.batch.max_queue_size) {
    ++counters_.dropped_queue_full;
    auto now = std::chrono::steady_clock::now();
    if (now - last_drop_log_ >= kDropLogInterval) {
      last_drop_log_ = now;
      spdlog::warn("OpenTelemetry: the span queue is full ({} spans; the collector at {} is "
                   "slow or unreachable): spans are dropped (pyfn_otel_spans_dropped_total)",
                   settings_.batch.max_queue_size, settings_.traces_url);
    }
    return;
  }
  queue_.push_back(std::move(span));
  if (queue_.size() >= settings_.batch.max_export_batch_size) cv_.notify_one();
}

SpanExporter::Counters SpanExporter::counters() const {
  pyfn::MutexLock l(mu_);
  Counters c = counters_;
  c.queued = queue_.size();
  return c;
}

void SpanExporter::Run() {
  std::vector<SpanData> batch;
  pyfn::MutexLock l(mu_);
  for (;;) {
    cv_.wait_for(l, settings_.batch.schedule_delay, [&]() PYFN_REQUIRES(mu_) {
      return stopping_ || queue_.size() >= settings_.batch.max_export_batch_size;
    });
    if (queue_.empty()) {
      if (stopping_) break;
      continue;
    }
    batch.clear();
    if (queue_.size() <= settings_.batch.max_export_batch_size) {
      batch.swap(queue_);  // the usual case: no span is moved
    } else {
      auto end = queue_.begin() + static_cast<std::ptrdiff_t>(settings_.batch.max_export_batch_size);
      batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(end));
      queue_.erase(queue_.begin(), end);
    }
    l.unlock();
    std::string error;
    bool ok = Export(batch, &error);
    l.lock();
    if (ok) {
      counters_.exported += batch.size();
      if (failing_) {
        failing_ = false;
        spdlog::info("OpenTelemetry: exporting spans to {} works again", settings_.traces_url);
      }
    } else {
      counters_.dropped_export_failed += batch.size();
      ++counters_.export_requests_failed;
      auto now = std::chrono::steady_clock::now();
      if (!failing_ || now - last_drop_log_ >= kDropLogInterval) {
        last_drop_log_ = now;
        spdlog::warn("OpenTelemetry: cannot export {} span(s) to {}: {}; they are dropped "
                     "(pyfn_otel_spans_dropped_total)",
                     batch.size(), settings_.traces_url, error);
      }
      failing_ = true;
      // Stopping with a collector that fails: what is left would fail too.
      if (stopping_) {
        counters_.dropped_export_failed += queue_.size();
        queue_.clear();
      }
    }
  }
  finished_ = true;
  idle_cv_.notify_all();
}

bool SpanExporter::Export(const std::vector<SpanData>& batch, std::string* error) {
  if (settings_.traces_protocol == OtlpProtocol::kHttpProtobuf)
    return PostOtlp(transport_, settings_.traces_url, settings_.headers, kOtlpProtobuf,
                    EncodeTraceRequestProto(settings_.resource, version_, batch), error);
  return PostOtlp(transport_, settings_.traces_url, settings_.headers, kOtlpJson,
                  EncodeTraceRequest(settings_.resource, version_, batch), error);
}

void SpanExporter::Shutdown(std::chrono::milliseconds grace) {
  pyfn::MutexLock l(mu_);
  if (!thread_.joinable()) return;
  stopping_ = true;
  cv_.notify_all();
  if (!idle_cv_.wait_for(l, grace, [&]() PYFN_REQUIRES(mu_) { return finished_; })) {
    counters_.dropped_export_failed += queue_.size();
    queue_.clear();
  }
  // The thread holds no span the queue still needs; joining waits at most
  // for the request in flight (bounded by the request timeout).
  l.unlock();
  thread_.join();
}

}  // namespace telemetry
}  // namespace pyfn
