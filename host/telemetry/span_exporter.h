// SpanExporter: the batch span processor and the OTLP/HTTP exporter in one.
//
// Add() puts a finished span in a bounded queue and returns at once: it never
// waits for the network. A background thread takes up to
// max_export_batch_size spans when that many are queued or schedule_delay has
// passed, and POSTs them (otlp_json.h, or otlp_proto.h for http/protobuf) to
// the traces URL. Spans are dropped,
// and counted, when the queue is full (the collector is slow, hangs or is
// gone) and when an export fails (no answer within the timeout, or a non-2xx
// answer); failed batches are not retried. Drops are logged at most once a
// minute, and again when exports work again.
//
// Thread safe. Shutdown() (also from the destructor) exports what is queued,
// giving up after `grace`.
#ifndef PYFN_HOST_TELEMETRY_SPAN_EXPORTER_H_
#define PYFN_HOST_TELEMETRY_SPAN_EXPORTER_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "host/common/thread_annotations.h"
#include "host/storage/http.h"
#include "host/telemetry/span.h"
#include "host/telemetry/telemetry_settings.h"

namespace pyfn {
namespace telemetry {

class SpanExporter {
 public:
  // Sends with `transport` (not owned; tests pass a fake), or, when null, a
  // BeastTransport of its own whose request timeout is the settings' timeout
  // (and at most the batch export timeout). The thread starts at once.
  SpanExporter(const TelemetrySettings& settings, const std::string& version,
               storage::HttpTransport* transport = nullptr);
  ~SpanExporter();

  // Queues one span, or drops it when the queue holds max_queue_size spans.
  void Add(SpanData&& span);
  // Exports what is queued, then stops the thread; waits at most `grace` for
  // it (the thread is then detached from the work: what is left is dropped).
  void Shutdown(std::chrono::milliseconds grace);

  struct Counters {
    uint64_t exported = 0;             // spans the collector accepted (2xx)
    uint64_t dropped_queue_full = 0;   // spans Add could not queue
    uint64_t dropped_export_failed = 0;  // spans of batches that failed
    uint64_t export_requests_failed = 0;
    size_t queued = 0;
  };
  Counters counters() const;

 private:
  void Run();
  // POSTs one batch; true on a 2xx answer. *error says why not.
  bool Export(const std::vector<SpanData>& batch, std::string* error);

  const TelemetrySettings settings_;
  const std::string version_;
  std::unique_ptr<storage::HttpTransport> own_transport_;
  storage::HttpTransport* transport_;

  mutable pyfn::Mutex mu_;
  pyfn::CondVar cv_;       // wakes the thread: batch full or stopping
  pyfn::CondVar idle_cv_;  // Shutdown waits for the thread's exit
  // A vector, not a deque: a deque of spans this size allocates a block every
  // second span; the vector keeps its capacity (swapped with the thread's batch).
  std::vector<SpanData> queue_ PYFN_GUARDED_BY(mu_);
  bool stopping_ PYFN_GUARDED_BY(mu_) = false;
  bool finished_ PYFN_GUARDED_BY(mu_) = false;  // Run returned
  Counters counters_ PYFN_GUARDED_BY(mu_);  // queued computed on read
  std::chrono::steady_clock::time_point last_drop_log_ PYFN_GUARDED_BY(mu_) {};
  bool failing_ PYFN_GUARDED_BY(mu_) = false;  // the last export failed
  std::thread thread_;
};

}  // namespace telemetry
}  // namespace pyfn

#endif  // PYFN_HOST_TELEMETRY_SPAN_EXPORTER_H_
