#include "host/app/worker_metadata.h"

#include <vector>

namespace pyfn {
namespace rpc = ::AzureFunctionsRpcMessages;
namespace {

std::chrono::milliseconds Millis(const google::protobuf::Duration& d) {
  return std::chrono::milliseconds(d.seconds() * 1000 + d.nanos() / 1000000);
}

}  // namespace

RetryPolicy RetryPolicyFromRpc(const rpc::RpcRetryOptions& retry) {
  RetryPolicy p;
  p.max_retry_count = retry.max_retry_count();
  p.fixed_delay = retry.retry_strategy() == rpc::RpcRetryOptions::fixed_delay;
  if (retry.has_delay_interval()) p.delay = Millis(retry.delay_interval());
  if (retry.has_minimum_interval()) p.minimum = Millis(retry.minimum_interval());
  if (retry.has_maximum_interval()) p.maximum = Millis(retry.maximum_interval());
  return p;
}

FunctionSpec FunctionSpecFromMetadata(const rpc::RpcFunctionMetadata& md,
                                      const std::string& script_root) {
  FunctionSpec fn;
  fn.name = md.name();
  fn.function_id = md.function_id();
  fn.directory = md.directory().empty() ? script_root : md.directory();
  fn.script_file = md.script_file();
  fn.entry_point = md.entry_point();
  fn.worker_indexed = true;
  std::vector<std::string> raw(md.raw_bindings().begin(), md.raw_bindings().end());
  Status s = ParseRawBindings(raw, &fn);
  if (s.ok() && md.has_status() && md.status().status() == rpc::StatusResult::Failure)
    s = Status::InvalidArgument(md.status().exception().message());
  if (!s.ok()) fn.load_status = Status::InvalidArgument(fn.script_file + ": " + s.message());
  if (md.has_retry_options()) fn.retry = RetryPolicyFromRpc(md.retry_options());
  return fn;
}

}  // namespace pyfn
