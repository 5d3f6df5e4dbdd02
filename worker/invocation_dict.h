// The invocation's own conversions, written with the generated accessors instead
// of reflection: the one message pair every request of every function crosses.
//
// InvocationRequestToDict gives the dispatcher what it reads and nothing else:
//   {"invocation_id": str, "function_id": str,
//    "input_data": [{"name": str, "data": TypedData dict}, ...],
//    "trigger_metadata": {str: TypedData dict}   only when not empty,
//    "trace_context": {"trace_parent", "trace_state", "attributes"}  when set,
//    "retry_context": {...}                       when set (MessageToDict's form)}
// An http TypedData becomes {"http": {"method", "url", "headers", "query",
// "params", "body"}} plus "rawBody" when set; the RpcHttp fields a trigger never
// carries to a function (identities, cookies, status_code,
// enable_content_negotiation, nullable_*) are left out. Any other TypedData
// takes MessageToDict's form (proto_dict.h).
//
// DictToInvocationResponse fills an InvocationResponse from the dispatcher's
// dict. The shapes a function's answer usually has (a status, a string/bytes/
// json return value, an http return value without cookies) are written
// directly; anything else goes through DictToMessage, which also writes the
// error messages (same text as before).
//
// REQUIRES: the caller holds the GIL.
#ifndef PYFN_WORKER_INVOCATION_DICT_H_
#define PYFN_WORKER_INVOCATION_DICT_H_

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "FunctionRpc.pb.h"
#include "status.h"

namespace pyfn {

// A new reference to the dict, or nullptr with a Python error set.
PyObject* InvocationRequestToDict(const AzureFunctionsRpcMessages::InvocationRequest& req);

// Fills *msg (cleared first). On failure no Python error is left set.
Status DictToInvocationResponse(PyObject* dict, AzureFunctionsRpcMessages::InvocationResponse* msg);

}  // namespace pyfn

#endif  // PYFN_WORKER_INVOCATION_DICT_H_
