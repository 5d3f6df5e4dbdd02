#include "host/workers/invocation_wire.h"

#include <algorithm>
#include <cstdint>

#include "host/common/proto_wire.h"

namespace pyfn {
namespace {

using wire::LenField;
using wire::StringPairField;

// Field numbers (FunctionRpc.proto).
enum : uint32_t {
  kStreamingRequestId = 1, kStreamingInvocationRequest = 4,
  kRequestInvocationId = 1, kRequestFunctionId = 2, kRequestInputData = 3,
  kRequestTriggerMetadata = 4, kRequestTraceContext = 5, kRequestRetryContext = 6,
  kTraceParent = 1, kTraceState = 2, kTraceAttributes = 3,
};

size_t OptionalString(std::string_view s) { return s.empty() ? 0 : LenField(s.size()); }

void WriteOptional(wire::Writer* w, uint32_t field, std::string_view s) {
  if (!s.empty()) w->String(field, s);
}

// A message field: sized first (ByteSizeLong caches the sizes), written with
// the cached sizes.
template <typename M>
size_t MessageField(const M& m) {
  return LenField(m.ByteSizeLong());
}

template <typename M>
void WriteMessage(wire::Writer* w, uint32_t field, const M& m) {
  w->LenHead(field, m.GetCachedSize());
  w->MoveTo(m.SerializeWithCachedSizesToArray(w->bytes()));
}

size_t BindingsSize(const std::vector<rpc::ParameterBinding>* v) {
  size_t n = 0;
  if (v != nullptr)
    for (const auto& pb : *v) n += MessageField(pb);
  return n;
}

void WriteBindings(wire::Writer* w, const std::vector<rpc::ParameterBinding>* v) {
  if (v != nullptr)
    for (const auto& pb : *v) WriteMessage(w, kRequestInputData, pb);
}

size_t TraceContextSize(const InvocationParts& p) {
  const rpc::RpcTraceContext& t = *p.trace_context;
  size_t n = OptionalString(p.trace_parent) + OptionalString(t.trace_state());
  for (const auto& [k, v] : t.attributes()) n += StringPairField(k.size(), v.size());
  return n;
}

// A trigger_metadata entry (key 1, value 2), without its own tag and length.
size_t MetadataEntrySize(const std::string& key, const rpc::TypedData& value) {
  return LenField(key.size()) + MessageField(value);
}

}  // namespace

grpc::Slice EncodeInvocation(const InvocationParts& p) {
  size_t request = LenField(p.invocation_id.size()) + OptionalString(p.function_id) +
                   BindingsSize(p.inputs) + BindingsSize(p.more_inputs);
  if (!p.trigger.empty()) request += LenField(p.trigger.size());
  if (p.trigger_metadata != nullptr)
    for (const auto& [k, v] : *p.trigger_metadata) request += LenField(MetadataEntrySize(k, v));
  const size_t trace = p.trace_context != nullptr ? TraceContextSize(p) : 0;
  if (p.trace_context != nullptr) request += LenField(trace);
  if (p.retry_context != nullptr) request += MessageField(*p.retry_context);
  const size_t total = LenField(p.invocation_id.size()) + LenField(request);

  grpc::Slice slice(total);
  wire::Writer w(const_cast<uint8_t*>(slice.begin()));
  w.String(kStreamingRequestId, p.invocation_id);
  w.LenHead(kStreamingInvocationRequest, request);
  w.String(kRequestInvocationId, p.invocation_id);
  WriteOptional(&w, kRequestFunctionId, p.function_id);
  if (!p.trigger.empty()) w.String(kRequestInputData, p.trigger);
  WriteBindings(&w, p.inputs);
  WriteBindings(&w, p.more_inputs);
  if (p.trigger_metadata != nullptr) {
    for (const auto& [k, v] : *p.trigger_metadata) {
      w.LenHead(kRequestTriggerMetadata, LenField(k.size()) + LenField(v.GetCachedSize()));
      w.String(1, k);
      WriteMessage(&w, 2, v);
    }
  }
  if (p.trace_context != nullptr) {
    w.LenHead(kRequestTraceContext, trace);
    WriteOptional(&w, kTraceParent, p.trace_parent);
    WriteOptional(&w, kTraceState, p.trace_context->trace_state());
    for (const auto& [k, v] : p.trace_context->attributes()) w.StringPair(kTraceAttributes, k, v);
  }
  if (p.retry_context != nullptr) WriteMessage(&w, kRequestRetryContext, *p.retry_context);
  return slice;
}

std::string HttpSummary(std::string_view method, std::string_view url,
                        std::string_view url_rest) {
  constexpr size_t kUrlShown = 200;
  url = url.substr(0, kUrlShown);
  url_rest = url_rest.substr(0, kUrlShown - url.size());
  std::string s;
  s.reserve(method.size() + 1 + url.size() + url_rest.size());
  s.append(method).append(" ").append(url).append(url_rest);
  return s;
}

OutgoingInvocation OutgoingFromRequest(const rpc::InvocationRequest& request) {
  OutgoingInvocation out;
  out.invocation_id = request.invocation_id();
  if (request.input_data_size() > 0 && request.input_data(0).data().has_http()) {
    const auto& http = request.input_data(0).data().http();
    out.http = true;
    out.http_summary = HttpSummary(http.method(), http.url());
  }
  std::vector<rpc::ParameterBinding> inputs(request.input_data().begin(),
                                            request.input_data().end());
  std::map<std::string, rpc::TypedData> metadata(request.trigger_metadata().begin(),
                                                 request.trigger_metadata().end());
  InvocationParts p;
  p.invocation_id = request.invocation_id();
  p.function_id = request.function_id();
  p.inputs = &inputs;
  p.trigger_metadata = &metadata;
  if (request.has_trace_context()) {
    p.trace_context = &request.trace_context();
    p.trace_parent = request.trace_context().trace_parent();
  }
  if (request.has_retry_context()) p.retry_context = &request.retry_context();
  out.bytes = EncodeInvocation(p);
  return out;
}

bool ParseOutgoing(const OutgoingInvocation& invocation, rpc::InvocationRequest* request) {
  rpc::StreamingMessage m;
  if (!m.ParseFromArray(invocation.bytes.begin(), static_cast<int>(invocation.bytes.size())) ||
      !m.has_invocation_request() || m.request_id() != m.invocation_request().invocation_id())
    return false;
  *request = std::move(*m.mutable_invocation_request());
  return true;
}

}  // namespace pyfn
