#include "host/telemetry/invocation_tracing.h"

#include <string_view>

#include "host/metrics.h"

namespace pyfn {
namespace telemetry {

namespace {

// faas.trigger for a trigger label (metrics.h TriggerLabel).
const char* FaasTriggerOfLabel(std::string_view label) {
  if (label == "http") return "http";
  if (label == "queue" || label == "eventgrid" || label == "servicebus" || label == "eventhub")
    return "pubsub";
  if (label == "timer") return "timer";
  if (label == "blob" || label == "table" || label == "cosmosdb") return "datasource";
  return "other";
}

}  // namespace

std::string FaasTrigger(const std::string& binding_type) {
  return FaasTriggerOfLabel(TriggerLabel(binding_type));
}

std::shared_ptr<ActiveSpan> StartInvocationSpan(
    Tracer* tracer, const std::string& function, const std::string& binding_type,
    const std::string& invocation_id, const ::AzureFunctionsRpcMessages::RpcTraceContext& incoming) {
  SpanContext parent;
  ParseTraceparent(incoming.trace_parent(), incoming.trace_state(), &parent);
  std::string label = TriggerLabel(binding_type);
  const std::string_view faas = FaasTriggerOfLabel(label);
  auto span = tracer->StartSpan(function, faas == "pubsub" ? SpanKind::kConsumer : SpanKind::kInternal,
                                parent);
  if (span->recording()) {
    span->SetAttribute("faas.name", function);
    span->SetAttribute("faas.trigger", std::string(faas));
    span->SetAttribute("faas.invocation_id", invocation_id);
    span->SetAttribute("pyfn.trigger", std::move(label));
  }
  return span;
}

void EndInvocationSpan(ActiveSpan* span, const std::string& outcome, const std::string& error) {
  span->SetAttribute("pyfn.outcome", outcome);
  if (outcome == "success")
    span->End(StatusCode::kOk);
  else
    span->End(StatusCode::kError, error.empty() ? outcome : error);
}

}  // namespace telemetry
}  // namespace pyfn
