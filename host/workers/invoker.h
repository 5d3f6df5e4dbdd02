// Invoking a function: the one entry point every trigger uses.
//
// The HTTP front end, and the timer/queue/blob listeners (B5-B7), call
// Invoker::Invoke with a function name, the trigger's input binding and
// trigger metadata; they get back the worker's InvocationResponse (output
// bindings in output_data, $return in return_value). FunctionInvoker adds what
// is common to every trigger: the Executing/Executed log lines, the binding
// extensions that read inputs before the call and write outputs after it
// (blob/queue, B5/B6), and the mapping of failures.
//
//   trigger ──Invoke──▶ FunctionInvoker ──ReadInputs──▶ BindingExtension(s)
//                              │──Dispatch──▶ WorkerDispatcher (the worker pool)
//                              └──WriteOutputs──▶ BindingExtension(s) ──▶ done(outcome)
#ifndef PYFN_HOST_INVOKER_H_
#define PYFN_HOST_INVOKER_H_

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "FunctionRpc.pb.h"
#include "host/app/function_model.h"
#include "host/app/function_registry.h"
#include "host/common/status.h"
#include "host/workers/invocation_wire.h"

namespace pyfn {

namespace rpc = ::AzureFunctionsRpcMessages;

namespace telemetry {
class ActiveSpan;
class Tracer;
}  // namespace telemetry

struct InvocationInput {
  std::string function_name;
  // For the "Executing" line, e.g. "This function was programmatically called
  // via the host APIs." (HTTP) or "Timer fired at ..." (timer).
  std::string reason;
  std::string invocation_id;  // empty: a new UUID is made
  std::vector<rpc::ParameterBinding> input_data;  // the trigger's value first
  // An HTTP trigger's value as wire bytes (a ParameterBinding holding an
  // RpcHttp, rpc_http_wire.h), sent as the first input before input_data.
  // The invoker parses it into input_data (and sets `http`) only for a
  // function with bindings the host performs.
  std::string trigger_wire;
  std::string http_summary;  // with trigger_wire: "GET <url>" (invocation_wire.h HttpSummary)
  std::map<std::string, rpc::TypedData> trigger_metadata;
  rpc::RpcTraceContext trace_context;  // trace_parent empty: a new one is made
  rpc::RetryContext retry_context;
  const rpc::RpcHttp* http = nullptr;  // the HTTP request, for binding expressions
};

struct InvocationOutcome {
  // ok: the worker answered; look at response.result(). Otherwise why there is
  // no answer: Unavailable (no ready worker, host stopping), TimedOut
  // (functionTimeout), Aborted (the worker died), NotFound/InvalidArgument
  // (no such function, it failed to load, a binding extension failed).
  Status status;
  rpc::InvocationResponse response;
  std::string invocation_id;
  std::chrono::milliseconds duration{0};

  bool succeeded() const {
    return status.ok() && response.result().status() == rpc::StatusResult::Success;
  }
};

// The outcome as the metrics and traces name it: success, failure (the
// function failed), timeout, unavailable, error.
const char* OutcomeLabel(const InvocationOutcome& out);

using InvocationCallback = std::function<void(InvocationOutcome)>;

class Invoker {
 public:
  virtual ~Invoker() = default;
  // Starts the invocation and returns at once. `done` is called exactly once,
  // possibly on another thread and possibly before Invoke returns; it must not
  // block for long.
  virtual void Invoke(InvocationInput input, InvocationCallback done) = 0;
};

// Sends one InvocationRequest (in wire form, invocation_wire.h) to a worker
// and reports its response. Implemented by WorkerPool; faked in tests.
class WorkerDispatcher {
 public:
  virtual ~WorkerDispatcher() = default;
  // `done(status, response)` exactly once; status as in InvocationOutcome.
  virtual void Dispatch(const FunctionSpec& fn, OutgoingInvocation invocation,
                        std::function<void(Status, rpc::InvocationResponse)> done) = 0;
};

// What a binding extension sees of an invocation.
struct BindingContext {
  const FunctionSpec* function = nullptr;
  const BindingSpec* binding = nullptr;
  const std::string* invocation_id = nullptr;
  const std::map<std::string, rpc::TypedData>* trigger_metadata = nullptr;
  // null for non-HTTP triggers. Valid for outputs too (the invoker keeps the
  // request and trigger metadata of functions with host-performed outputs).
  const rpc::RpcHttp* http = nullptr;
};

// Input and output bindings the host performs itself (blob, queue...).
class BindingExtension {
 public:
  virtual ~BindingExtension() = default;
  // Binding types handled, compared case-insensitively ("blob", "queue").
  virtual std::vector<std::string> Types() const = 0;
  // For each non-trigger `in` binding of a handled type: produce its value.
  // `done(status, data)`; an unset TypedData means "no value" (None).
  virtual void ReadInput(const BindingContext& ctx,
                         std::function<void(Status, rpc::TypedData)> done) = 0;
  // For each `out` binding of a handled type that the function set.
  virtual void WriteOutput(const BindingContext& ctx, const rpc::TypedData& value,
                           std::function<void(Status)> done) = 0;
};

class FunctionInvoker : public Invoker {
 public:
  // `registry` and `dispatcher` must outlive this object.
  FunctionInvoker(const FunctionRegistry* registry, WorkerDispatcher* dispatcher);

  // Registers an extension before the first Invoke (not thread safe).
  void AddBindingExtension(std::shared_ptr<BindingExtension> ext);

  // Sees every invocation once it is over, whatever its trigger, just before
  // `done` runs and on the same thread: the function's name, its trigger
  // binding type ("" when there is no such function), the outcome and the
  // time from Invoke in seconds. Set before the first Invoke (metrics).
  using Observer = std::function<void(const std::string& function, const std::string& trigger,
                                      const InvocationOutcome& outcome, double seconds)>;
  void SetObserver(Observer observer) { observer_ = std::move(observer); }
  // With tracing on: an invocation span per Invoke (telemetry/invocation_tracing.h),
  // whose context the worker gets in InvocationRequest.trace_context and which
  // is current while binding extensions run. Set before the first Invoke.
  void SetTracer(telemetry::Tracer* tracer) { tracer_ = tracer; }

  void Invoke(InvocationInput input, InvocationCallback done) override;

  // Invocations started and not yet completed.
  int in_flight() const { return in_flight_.load(); }

 private:
  struct Call;
  BindingExtension* ExtensionFor(const std::string& type) const;
  bool HasHostOutputs(const FunctionSpec& fn) const;
  // Any binding but the trigger is one an extension performs.
  bool HasHostBindings(const FunctionSpec& fn) const;
  void ReadInputs(const std::shared_ptr<Call>& call, size_t next);
  void DispatchCall(const std::shared_ptr<Call>& call);
  void WriteOutputs(const std::shared_ptr<Call>& call, size_t next);
  void Finish(std::shared_ptr<Call> call, Status status);

  const FunctionRegistry* registry_;
  WorkerDispatcher* dispatcher_;
  std::vector<std::shared_ptr<BindingExtension>> extensions_;
  // Every type of every extension, lower-cased, in registration order.
  std::vector<std::pair<std::string, BindingExtension*>> by_type_;
  Observer observer_;
  telemetry::Tracer* tracer_ = nullptr;
  std::atomic<int> in_flight_{0};
};

}  // namespace pyfn

#endif  // PYFN_HOST_INVOKER_H_
