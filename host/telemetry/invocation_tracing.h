// The invocation span: one per function run, whatever the trigger.
//
// Named after the function; attributes faas.name, faas.trigger (the FaaS
// semantic conventions' http, pubsub, timer, datasource, other),
// faas.invocation_id, pyfn.trigger (the label of the Prometheus metrics:
// http, queue, timer, blob, eventgrid, ...) and, at the end, pyfn.outcome
// (success, failure, timeout, unavailable, error) with status ERROR unless
// the function succeeded. Kind CONSUMER for queue and Event Grid triggers,
// INTERNAL otherwise.
//
// Its parent is the incoming trace context the trigger passes
// (InvocationInput::trace_context: the server span for HTTP, an event's
// traceparent for Event Grid); queue, blob and timer triggers pass none, so
// their invocations start a new trace.
#ifndef PYFN_HOST_TELEMETRY_INVOCATION_TRACING_H_
#define PYFN_HOST_TELEMETRY_INVOCATION_TRACING_H_

#include <memory>
#include <string>

#include "FunctionRpc.pb.h"
#include "host/telemetry/tracer.h"

namespace pyfn {
namespace telemetry {

// The FaaS semantic conventions' faas.trigger for a trigger binding type.
std::string FaasTrigger(const std::string& binding_type);

std::shared_ptr<ActiveSpan> StartInvocationSpan(
    Tracer* tracer, const std::string& function, const std::string& binding_type,
    const std::string& invocation_id, const ::AzureFunctionsRpcMessages::RpcTraceContext& incoming);

// `outcome` as in the metrics ("success", ...); `error` the failure's message.
void EndInvocationSpan(ActiveSpan* span, const std::string& outcome, const std::string& error);

}  // namespace telemetry
}  // namespace pyfn

#endif  // PYFN_HOST_TELEMETRY_INVOCATION_TRACING_H_
