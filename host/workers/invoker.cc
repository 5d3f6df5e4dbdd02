#include "host/workers/invoker.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

#include "host/common/strings.h"
#include "host/telemetry/invocation_tracing.h"
#include "host/telemetry/tracer.h"
#include "host/workers/trace_context.h"

namespace pyfn {
struct FunctionInvoker::Call {
  InvocationInput input;
  InvocationCallback done;
  std::shared_ptr<const FunctionSet> set;  // keeps `fn` alive
  const FunctionSpec* fn = nullptr;
  std::string id;
  std::chrono::steady_clock::time_point start;
  std::vector<rpc::ParameterBinding> extra_inputs;
  rpc::InvocationResponse response;
  std::shared_ptr<telemetry::ActiveSpan> span;  // null: tracing is off
};

namespace {

// The invocation span's context (what binding extensions' storage calls are
// children of), or none.
telemetry::SpanContext ContextOf(const std::shared_ptr<telemetry::ActiveSpan>& span) {
  return span ? span->context() : telemetry::SpanContext();
}

}  // namespace

const char* OutcomeLabel(const InvocationOutcome& out) {
  if (out.status.ok())
    return out.response.result().status() == rpc::StatusResult::Success ? "success" : "failure";
  if (out.status.IsTimedOut()) return "timeout";
  if (out.status.IsUnavailable()) return "unavailable";
  return "error";
}

FunctionInvoker::FunctionInvoker(const FunctionRegistry* registry, WorkerDispatcher* dispatcher)
    : registry_(registry), dispatcher_(dispatcher) {}

void FunctionInvoker::AddBindingExtension(std::shared_ptr<BindingExtension> ext) {
  for (const auto& t : ext->Types()) by_type_.emplace_back(AsciiLower(t), ext.get());
  extensions_.push_back(std::move(ext));
}

bool FunctionInvoker::HasHostOutputs(const FunctionSpec& fn) const {
  for (const auto& b : fn.bindings)
    if (b.direction != BindingDirection::kIn && ExtensionFor(b.type) != nullptr) return true;
  return false;
}

bool FunctionInvoker::HasHostBindings(const FunctionSpec& fn) const {
  for (size_t i = 0; i < fn.bindings.size(); ++i)
    if (static_cast<int>(i) != fn.trigger_index && ExtensionFor(fn.bindings[i].type) != nullptr)
      return true;
  return false;
}

BindingExtension* FunctionInvoker::ExtensionFor(const std::string& type) const {
  for (const auto& [lower, ext] : by_type_)
    if (AsciiEqualsLower(type, lower)) return ext;
  return nullptr;
}

void FunctionInvoker::Invoke(InvocationInput input, InvocationCallback done) {
  auto call = std::make_shared<Call>();
  call->input = std::move(input);
  call->done = std::move(done);
  call->start = std::chrono::steady_clock::now();
  call->set = registry_->Get();
  call->fn = call->set->Find(call->input.function_name);
  call->id = call->input.invocation_id.empty() ? NewUuid() : call->input.invocation_id;
  in_flight_.fetch_add(1);
  if (tracer_ != nullptr) {
    const BindingSpec* trigger = call->fn ? call->fn->trigger() : nullptr;
    call->span = telemetry::StartInvocationSpan(tracer_, call->input.function_name,
                                                trigger ? trigger->type : "", call->id,
                                                call->input.trace_context);
  }
  spdlog::info("Executing 'Functions.{}' (Reason='{}', Id={})", call->input.function_name,
               call->input.reason, call->id);
  if (call->fn == nullptr) {
    Finish(call, Status::NotFound("no function named '" + call->input.function_name + "'"));
    return;
  }
  if (!call->fn->load_status.ok()) {
    Finish(call, Status::InvalidArgument("Function '" + call->fn->name +
                                         "' failed to load: " + call->fn->load_status.message()));
    return;
  }
  InvocationInput& in = call->input;
  if (!in.trigger_wire.empty() && HasHostBindings(*call->fn)) {
    // Binding extensions resolve {expressions} from the request: the message.
    rpc::ParameterBinding pb;
    if (!pb.ParseFromString(in.trigger_wire)) {
      Finish(call, Status::Internal("the trigger's value does not parse"));
      return;
    }
    std::string().swap(in.trigger_wire);
    in.input_data.insert(in.input_data.begin(), std::move(pb));
    if (in.input_data[0].data().has_http()) in.http = &in.input_data[0].data().http();
  }
  ReadInputs(call, 0);
}

void FunctionInvoker::ReadInputs(const std::shared_ptr<Call>& call, size_t next) {
  const auto& bindings = call->fn->bindings;
  for (size_t i = next; i < bindings.size(); ++i) {
    const BindingSpec& b = bindings[i];
    if (static_cast<int>(i) == call->fn->trigger_index || b.direction == BindingDirection::kOut)
      continue;
    BindingExtension* ext = ExtensionFor(b.type);
    if (ext == nullptr) continue;
    BindingContext ctx{call->fn, &b, &call->id, &call->input.trigger_metadata, call->input.http};
    telemetry::ScopedContext scope(ContextOf(call->span));
    ext->ReadInput(ctx, [this, call, i, &b](const Status& s, rpc::TypedData data) {
      if (!s.ok()) {
        Finish(call, Status::InvalidArgument("input binding '" + b.name + "': " + s.message()));
        return;
      }
      rpc::ParameterBinding pb;
      pb.set_name(b.name);
      *pb.mutable_data() = std::move(data);
      call->extra_inputs.push_back(std::move(pb));
      ReadInputs(call, i + 1);
    });
    return;  // continues in the callback
  }
  DispatchCall(call);
}

void FunctionInvoker::DispatchCall(const std::shared_ptr<Call>& call) {
  InvocationInput& in = call->input;
  std::string trace_parent;
  if (call->span) trace_parent = call->span->context().Traceparent();
  else if (in.trace_context.trace_parent().empty()) trace_parent = NewTraceparent();
  InvocationParts parts;
  parts.invocation_id = call->id;
  parts.function_id = call->fn->function_id;
  parts.trigger = in.trigger_wire;
  parts.inputs = &in.input_data;
  parts.more_inputs = &call->extra_inputs;
  parts.trigger_metadata = &in.trigger_metadata;
  parts.trace_context = &in.trace_context;
  parts.trace_parent = trace_parent.empty() ? in.trace_context.trace_parent() : trace_parent;
  parts.retry_context = &in.retry_context;
  OutgoingInvocation out;
  out.invocation_id = call->id;
  out.bytes = EncodeInvocation(parts);
  const rpc::ParameterBinding* first = in.input_data.empty() ? nullptr : &in.input_data[0];
  out.http = !in.trigger_wire.empty() || (first != nullptr && first->data().has_http());
  if (!in.http_summary.empty()) {
    out.http_summary = std::move(in.http_summary);
  } else if (out.http && first != nullptr) {
    out.http_summary = HttpSummary(first->data().http().method(), first->data().http().url());
  }
  // Output bindings the host performs resolve {expressions} from the request
  // and the trigger metadata after the call: they keep them. Nothing else
  // needs the inputs once they are bytes.
  if (!HasHostOutputs(*call->fn)) {
    std::string().swap(in.trigger_wire);
    in.input_data.clear();
    in.trigger_metadata.clear();
    in.http = nullptr;
  }
  call->extra_inputs.clear();
  dispatcher_->Dispatch(*call->fn, std::move(out),
                        [this, call](const Status& s, rpc::InvocationResponse resp) {
                          call->response = std::move(resp);
                          if (!s.ok() || call->response.result().status() !=
                                             rpc::StatusResult::Success) {
                            Finish(call, s);
                            return;
                          }
                          WriteOutputs(call, 0);
                        });
}

void FunctionInvoker::WriteOutputs(const std::shared_ptr<Call>& call, size_t next) {
  const auto& bindings = call->fn->bindings;
  for (size_t i = next; i < bindings.size(); ++i) {
    const BindingSpec& b = bindings[i];
    if (b.direction == BindingDirection::kIn) continue;
    BindingExtension* ext = ExtensionFor(b.type);
    if (ext == nullptr) continue;
    const rpc::TypedData* value = nullptr;
    if (b.name == "$return") {
      if (call->response.has_return_value()) value = &call->response.return_value();
    } else {
      for (const auto& pb : call->response.output_data())
        if (pb.name() == b.name && pb.has_data()) value = &pb.data();
    }
    if (value == nullptr || value->data_case() == rpc::TypedData::DATA_NOT_SET) continue;
    BindingContext ctx{call->fn, &b, &call->id, &call->input.trigger_metadata, call->input.http};
    telemetry::ScopedContext scope(ContextOf(call->span));
    ext->WriteOutput(ctx, *value, [this, call, i, &b](const Status& s) {
      if (!s.ok()) {
        Finish(call, Status::InvalidArgument("output binding '" + b.name + "': " + s.message()));
        return;
      }
      WriteOutputs(call, i + 1);
    });
    return;
  }
  Finish(call, Status::OK());
}

void FunctionInvoker::Finish(std::shared_ptr<Call> call, Status status) {
  InvocationOutcome out;
  out.status = std::move(status);
  out.response = std::move(call->response);
  out.invocation_id = call->id;
  const auto elapsed = std::chrono::steady_clock::now() - call->start;
  out.duration = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed);
  const std::string& name = call->input.function_name;
  if (out.succeeded()) {
    spdlog::info("Executed 'Functions.{}' (Succeeded, Id={}, Duration={}ms)", name, call->id,
                 out.duration.count());
  } else {
    std::string detail;
    if (!out.status.ok()) {
      detail = out.status.message();
    } else {
      const auto& ex = out.response.result().exception();
      detail = "Result: Failure\nException: " + ex.message();
      if (!ex.stack_trace().empty()) detail += "\nStack: " + ex.stack_trace();
    }
    spdlog::error("Executed 'Functions.{}' (Failed, Id={}, Duration={}ms)", name, call->id,
                  out.duration.count());
    spdlog::error("Functions.{} (Id={}): Exception while executing function: Functions.{}. {}",
                  name, call->id, name, detail);
  }
  if (call->span) {
    std::string error;
    if (!out.status.ok()) error = out.status.message();
    else if (!out.succeeded()) error = out.response.result().exception().message();
    telemetry::EndInvocationSpan(call->span.get(), OutcomeLabel(out), error);
  }
  if (observer_) {
    const BindingSpec* trigger = call->fn ? call->fn->trigger() : nullptr;
    observer_(name, trigger ? trigger->type : "", out,
              std::chrono::duration<double>(elapsed).count());
  }
  in_flight_.fetch_sub(1);
  InvocationCallback done = std::move(call->done);
  call.reset();
  done(std::move(out));
}

}  // namespace pyfn
