// The built-in module `_pyfn`: the only door between the worker's Python side and
// the gRPC stream (docs/internals.md, "Python side of the worker").
//   recv()      -> (kind, request_id, payload) | None when the stream closed.
//                  Waits with the GIL released and checks for signals every
//                  100 ms, so SIGINT/SIGTERM handlers still run.
//   try_recv()  -> same, or False at once when nothing is queued.
//   recv_fd()   -> fd readable while messages are queued (for loop.add_reader).
//   send(kind, request_id, payload) -> True, or False if the stream is closed.
//                  Thread safe; never waits on the network. Raises TypeError with
//                  the offending field path if payload does not fit the message.
#ifndef PYFN_WORKER_PYFN_MODULE_H_
#define PYFN_WORKER_PYFN_MODULE_H_

#define PY_SSIZE_T_CLEAN
#include <Python.h>

namespace pyfn {

class RpcStream;

// Must be called before Py_Initialize: registers `_pyfn` with PyImport_AppendInittab.
// `stream` must outlive the interpreter's use of the module; nullptr makes recv()
// report a closed stream and send() return False (used by unit tests).
void RegisterPyfnModule(RpcStream* stream);

}  // namespace pyfn

#endif  // PYFN_WORKER_PYFN_MODULE_H_
