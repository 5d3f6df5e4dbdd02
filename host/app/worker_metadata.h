// Worker indexing (decorator model): the app model from what the worker
// reports. A FunctionMetadataResponse lists one RpcFunctionMetadata per
// function; each becomes a FunctionSpec here, its bindings through
// ParseRawBindings (function_model.h), as function.json folders' do.
#ifndef PYFN_HOST_APP_WORKER_METADATA_H_
#define PYFN_HOST_APP_WORKER_METADATA_H_

#include <string>

#include "FunctionRpc.pb.h"
#include "host/app/function_model.h"
#include "host/app/retry_policy.h"

namespace pyfn {

// The worker's retry options (@app.retry), field by field: retry_strategy
// fixed_delay or exponential_backoff, durations to whole milliseconds.
RetryPolicy RetryPolicyFromRpc(const ::AzureFunctionsRpcMessages::RpcRetryOptions& retry);

// One function as the worker reported it: name, id, script file, entry point,
// bindings from raw_bindings (the worker's exact text is kept), retry options,
// worker_indexed set. `directory` defaults to `script_root`. A function whose
// raw bindings do not parse, or whose metadata status is Failure, is kept
// with load_status "<script_file>: <why>" (it keeps its route and answers 500).
FunctionSpec FunctionSpecFromMetadata(const ::AzureFunctionsRpcMessages::RpcFunctionMetadata& md,
                                      const std::string& script_root);

}  // namespace pyfn

#endif  // PYFN_HOST_APP_WORKER_METADATA_H_
