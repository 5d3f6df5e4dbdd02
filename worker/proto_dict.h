// Protobuf <-> Python conversion, written once with protobuf reflection.
//
// The mapping (docs/internals.md, "Python side of the worker"):
//   keys are field names; proto3 scalars always present (defaults included);
//   sub-messages and oneof members only when set; map -> dict; repeated -> list;
//   bytes -> bytes; string -> str; enums -> int; bool -> bool;
//   google.protobuf.Duration and Timestamp -> float seconds.
// Python -> protobuf accepts the same shapes, plus: None for "leave unset", enum
// names as str, str for bytes fields (UTF-8) and bytes for string fields (must be
// UTF-8), any int for a float field, and any iterable for a repeated field.
// The invocation's own messages take invocation_dict.h's direct path first.
//
// REQUIRES: the caller holds the GIL for every function here.
#ifndef PYFN_WORKER_PROTO_DICT_H_
#define PYFN_WORKER_PROTO_DICT_H_

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <string>

#include <google/protobuf/message.h>

#include "status.h"

namespace pyfn {

// Returns a new reference to a dict, or nullptr with a Python error set.
PyObject* MessageToDict(const google::protobuf::Message& msg);

// Fills *msg (which is cleared first) from a dict. On failure returns an error
// whose message names the field path (e.g. "invocation_response.result.status:
// expected int or enum name, got list"); no Python error is left set.
Status DictToMessage(PyObject* dict, google::protobuf::Message* msg);

}  // namespace pyfn

#endif  // PYFN_WORKER_PROTO_DICT_H_
