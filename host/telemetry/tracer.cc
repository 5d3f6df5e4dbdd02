#include "host/telemetry/tracer.h"

namespace pyfn {
namespace telemetry {
namespace {

SpanContext& ThreadContext() {
  thread_local SpanContext context;
  return context;
}

}  // namespace

void ActiveSpan::SetAttribute(std::string_view key, AttributeValue value) {
  if (recording()) data_.attributes.Set(key, std::move(value));
}

void ActiveSpan::End(StatusCode status, std::string message) {
  if (ended_.exchange(true) || !recording()) return;
  data_.end_unix_nano = NowUnixNano();
  data_.status = status;
  data_.status_message = status == StatusCode::kError ? std::move(message) : "";
  tracer_->Finished(std::move(data_));
}

Tracer::Tracer(const TelemetrySettings& settings, std::unique_ptr<SpanExporter> exporter)
    : settings_(settings), exporter_(std::move(exporter)) {}

Tracer::Tracer(const TelemetrySettings& settings, Sink sink)
    : settings_(settings), sink_(std::move(sink)) {}

std::shared_ptr<ActiveSpan> Tracer::StartSpan(std::string name, SpanKind kind,
                                              const SpanContext& parent) {
  SpanContext ctx;
  ctx.trace_id = parent.valid() ? parent.trace_id : NewTraceId();
  ctx.span_id = NewSpanId();
  ctx.trace_state = parent.trace_state;
  ctx.sampled = settings_.sampler.ShouldSample(parent, ctx.trace_id);
  SpanData data;
  if (ctx.sampled) {
    data.name = std::move(name);
    data.kind = kind;
    data.trace_id = ctx.trace_id;
    data.span_id = ctx.span_id;
    if (parent.valid()) data.parent_span_id = parent.span_id;
    data.trace_state = ctx.trace_state;
    data.start_unix_nano = NowUnixNano();
  }
  // One allocation for the span and its control block.
  return std::make_shared<ActiveSpan>(ActiveSpan::Token{}, this, std::move(data), std::move(ctx));
}

void Tracer::Finished(SpanData&& data) {
  if (exporter_) exporter_->Add(std::move(data));
  else if (sink_) sink_(std::move(data));
}

std::vector<MetricFamily> Tracer::MetricFamilies() const {
  SpanExporter::Counters c;
  if (exporter_) c = exporter_->counters();
  using Type = MetricFamily::Type;
  auto n = [](uint64_t v) { return static_cast<int64_t>(v); };
  return {
      {"pyfn_otel_spans_exported_total", "Spans the OTLP collector accepted.", Type::kCounter,
       {}, {MetricPoint::Int(n(c.exported))}},
      {"pyfn_otel_spans_dropped_total",
       "Spans dropped: queue full (collector slow or down) or export failed.", Type::kCounter,
       {},
       {MetricPoint::Int(n(c.dropped_queue_full), {{"reason", "queue_full"}}),
        MetricPoint::Int(n(c.dropped_export_failed), {{"reason", "export_failed"}})}},
      {"pyfn_otel_spans_queued", "Spans waiting to be exported.", Type::kGauge, {},
       {MetricPoint::Int(n(c.queued))}},
  };
}

const SpanContext& CurrentContext() { return ThreadContext(); }

ScopedContext::ScopedContext(const SpanContext& context) : saved_(ThreadContext()) {
  ThreadContext() = context;
}

ScopedContext::~ScopedContext() { ThreadContext() = std::move(saved_); }

std::function<void()> BindContext(std::function<void()> fn) {
  const SpanContext& now = ThreadContext();
  if (!now.valid()) return fn;
  return [context = now, fn = std::move(fn)] {
    ScopedContext scope(context);
    fn();
  };
}

}  // namespace telemetry
}  // namespace pyfn
