// Tracer: starts and ends the host's spans and hands the sampled ones to the
// SpanExporter. One per host, made by Host::Start when tracing is on
// (telemetry_settings.h); every hook into the host goes through it:
//
//   Host::Handle ──TraceHttpRequest──▶ server span (kind SERVER) per request
//   FunctionInvoker ──StartInvocation/EndInvocation──▶ invocation span, child
//        of the server span (HTTP) or of an incoming traceparent; a root span
//        for storage and timer triggers
//   TracingTransport (storage) ──▶ client span per storage request made while
//        an invocation's context is current (ScopedContext / BindContext)
//
// Spans that the sampler drops still get ids, so the worker and the storage
// service see a consistent traceparent (flags 00). Thread safe.
#ifndef PYFN_HOST_TELEMETRY_TRACER_H_
#define PYFN_HOST_TELEMETRY_TRACER_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "host/metric_family.h"
#include "host/telemetry/span.h"
#include "host/telemetry/span_exporter.h"
#include "host/telemetry/telemetry_settings.h"

namespace pyfn {
namespace telemetry {

class Tracer;

// A span being recorded. End() once; a span never ended is never exported.
class ActiveSpan {
  struct Token {};  // only Tracer makes spans

 public:
  ActiveSpan(Token, Tracer* tracer, SpanData data, SpanContext context)
      : tracer_(tracer), data_(std::move(data)), context_(std::move(context)) {}

  const SpanContext& context() const { return context_; }
  bool recording() const { return context_.sampled; }
  // `key`: a string literal (SpanAttributes).
  void SetAttribute(std::string_view key, AttributeValue value);
  void SetName(std::string name) { data_.name = std::move(name); }
  // Ends the span now with `status` (kError: `message` says why) and exports
  // it when sampled. Later calls do nothing.
  void End(StatusCode status = StatusCode::kUnset, std::string message = "");

 private:
  friend class Tracer;

  Tracer* const tracer_;
  SpanData data_;
  SpanContext context_;
  std::atomic<bool> ended_{false};
};

class Tracer {
 public:
  // `exporter` null: spans go nowhere (the unit tests read them with a sink).
  using Sink = std::function<void(SpanData)>;
  Tracer(const TelemetrySettings& settings, std::unique_ptr<SpanExporter> exporter);
  // For tests: every sampled span goes to `sink`.
  Tracer(const TelemetrySettings& settings, Sink sink);

  // A new span under `parent` (invalid: a new trace). Never null.
  std::shared_ptr<ActiveSpan> StartSpan(std::string name, SpanKind kind,
                                        const SpanContext& parent);

  SpanExporter* exporter() const { return exporter_.get(); }
  // The exporter's counters: pyfn_otel_spans_exported_total,
  // pyfn_otel_spans_dropped_total{reason}, pyfn_otel_spans_queued.
  std::vector<MetricFamily> MetricFamilies() const;

 private:
  friend class ActiveSpan;
  void Finished(SpanData&& data);

  const TelemetrySettings settings_;
  std::unique_ptr<SpanExporter> exporter_;
  Sink sink_;
};

// The span context current on this thread (invalid when none): what client
// spans of storage calls are children of.
const SpanContext& CurrentContext();

// Makes `context` current on this thread until destroyed.
class ScopedContext {
 public:
  explicit ScopedContext(const SpanContext& context);
  ~ScopedContext();
  ScopedContext(const ScopedContext&) = delete;
  ScopedContext& operator=(const ScopedContext&) = delete;

 private:
  SpanContext saved_;
};

// `fn` made to run with the context current now (for work handed to another
// thread). Returns `fn` unchanged when no context is current.
std::function<void()> BindContext(std::function<void()> fn);

}  // namespace telemetry
}  // namespace pyfn

#endif  // PYFN_HOST_TELEMETRY_TRACER_H_
