// An InvocationRequest on its way to a worker, as the bytes the stream
// writes: StreamingMessage{request_id: the invocation's id,
// invocation_request}. The invoker writes them once, from the parts it holds
// (an HTTP trigger's value already in wire form, rpc_http_wire.h; other
// values as messages), and the pool keeps them as they are while the
// invocation waits for a worker or for the write ahead of it: no
// InvocationRequest object is built, moved, serialised and destroyed.
#ifndef PYFN_HOST_WORKERS_INVOCATION_WIRE_H_
#define PYFN_HOST_WORKERS_INVOCATION_WIRE_H_

#include <grpcpp/support/slice.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "FunctionRpc.pb.h"

namespace pyfn {

namespace rpc = ::AzureFunctionsRpcMessages;

struct OutgoingInvocation {
  std::string invocation_id;
  bool http = false;  // the trigger's value is an RpcHttp
  // For an HTTP trigger: "GET http://host/api/x?a=1" (the url cut at 200
  // bytes), named when the worker running it dies.
  std::string http_summary;
  grpc::Slice bytes;
};

// What one InvocationRequest holds, as the invoker has it; input_data is
// `trigger` (a ParameterBinding's bytes, when not empty), then `inputs`, then
// `more_inputs`.
struct InvocationParts {
  std::string_view invocation_id;
  std::string_view function_id;
  std::string_view trigger;
  const std::vector<rpc::ParameterBinding>* inputs = nullptr;
  const std::vector<rpc::ParameterBinding>* more_inputs = nullptr;
  const std::map<std::string, rpc::TypedData>* trigger_metadata = nullptr;
  const rpc::RpcTraceContext* trace_context = nullptr;  // null: not sent
  std::string_view trace_parent;                        // sent instead of trace_context's
  const rpc::RetryContext* retry_context = nullptr;     // null: not sent
};

// The StreamingMessage's bytes; the messages `parts` points to get their
// sizes cached (they must not change meanwhile on another thread).
grpc::Slice EncodeInvocation(const InvocationParts& parts);

// "GET http://host/api/x" as OutgoingInvocation::http_summary holds it; the
// url may come in two pieces (base and target).
std::string HttpSummary(std::string_view method, std::string_view url,
                        std::string_view url_rest = {});

// A whole message as the pool takes it (tests, fuzzers).
OutgoingInvocation OutgoingFromRequest(const rpc::InvocationRequest& request);

// The InvocationRequest back from its bytes (tests): false when they do not
// parse as a StreamingMessage holding one.
bool ParseOutgoing(const OutgoingInvocation& invocation, rpc::InvocationRequest* request);

}  // namespace pyfn

#endif  // PYFN_HOST_WORKERS_INVOCATION_WIRE_H_
