#include "pyfn_module.h"

#include <chrono>

#include "invocation_dict.h"
#include "proto_dict.h"
#include "rpc_stream.h"

namespace pyfn {

namespace {

namespace gp = google::protobuf;

RpcStream* g_stream = nullptr;

// (kind, request_id, payload) for a message, or nullptr with a Python error.
PyObject* MessageToTuple(const StreamingMessage& msg) {
  const gp::FieldDescriptor* f =
      StreamingMessage::descriptor()->FindFieldByNumber(static_cast<int>(msg.content_case()));
  if (f == nullptr) {
    // An empty or unknown content (a newer host): hand Python an empty payload.
    return Py_BuildValue("(ssN)", "", msg.request_id().c_str(), PyDict_New());
  }
  // The invocation, every request's message, skips reflection (invocation_dict.h).
  PyObject* payload = msg.content_case() == StreamingMessage::kInvocationRequest
                          ? InvocationRequestToDict(msg.invocation_request())
                          : MessageToDict(msg.GetReflection()->GetMessage(msg, f));
  if (payload == nullptr) return nullptr;
  return Py_BuildValue("(s s# N)", f->name().c_str(), msg.request_id().data(),
                       static_cast<Py_ssize_t>(msg.request_id().size()), payload);
}

// Returns the tuple, Py_None (closed) or nullptr (error). If `block` is false,
// returns Py_False when nothing is queued.
PyObject* Receive(bool block) {
  if (g_stream == nullptr) Py_RETURN_NONE;
  while (true) {
    StreamingMessage msg;
    bool closed = false;
    // TryPop and Send hold their queue's lock for a moment and never wait
    // for the GIL under it: they run with the GIL held. Releasing it there
    // would hand it to a waiting thread (an invoker, the loop) and cost this
    // one a GIL round trip per message.
    if (g_stream->TryPop(&msg, &closed)) return MessageToTuple(msg);
    if (closed) Py_RETURN_NONE;
    if (!block) Py_RETURN_FALSE;
    Py_BEGIN_ALLOW_THREADS
    g_stream->WaitReadable(std::chrono::milliseconds(100));
    Py_END_ALLOW_THREADS
    if (PyErr_CheckSignals() != 0) return nullptr;
  }
}

PyObject* PyRecv(PyObject*, PyObject*) { return Receive(true); }
PyObject* PyTryRecv(PyObject*, PyObject*) { return Receive(false); }

PyObject* PyRecvFd(PyObject*, PyObject*) {
  if (g_stream == nullptr) {
    PyErr_SetString(PyExc_RuntimeError, "_pyfn: no stream");
    return nullptr;
  }
  return PyLong_FromLong(g_stream->readable_fd());
}

PyObject* PySend(PyObject*, PyObject* args) {
  const char* kind;
  const char* request_id;
  Py_ssize_t request_id_len;
  PyObject* payload;
  if (!PyArg_ParseTuple(args, "ss#O:send", &kind, &request_id, &request_id_len, &payload)) {
    return nullptr;
  }
  const gp::FieldDescriptor* f = StreamingMessage::descriptor()->FindFieldByName(kind);
  if (f == nullptr || f->containing_oneof() == nullptr ||
      f->cpp_type() != gp::FieldDescriptor::CPPTYPE_MESSAGE) {
    PyErr_Format(PyExc_ValueError, "_pyfn.send: '%s' is not a StreamingMessage kind", kind);
    return nullptr;
  }
  StreamingMessage msg;
  msg.set_request_id(std::string(request_id, request_id_len));
  Status s = f->number() == StreamingMessage::kInvocationResponse
                 ? DictToInvocationResponse(payload, msg.mutable_invocation_response())
                 : DictToMessage(payload, msg.GetReflection()->MutableMessage(&msg, f));
  if (!s.ok()) {
    PyErr_Format(PyExc_TypeError, "_pyfn.send(%s): %s", kind, s.message().c_str());
    return nullptr;
  }
  if (g_stream == nullptr) Py_RETURN_FALSE;
  return PyBool_FromLong(g_stream->Send(std::move(msg)));
}

PyMethodDef kMethods[] = {
    {"recv", PyRecv, METH_NOARGS,
     "recv() -> (kind, request_id, payload) or None once the stream closed."},
    {"try_recv", PyTryRecv, METH_NOARGS,
     "try_recv() -> (kind, request_id, payload), None (closed) or False (nothing queued)."},
    {"recv_fd", PyRecvFd, METH_NOARGS, "recv_fd() -> fd readable while messages are queued."},
    {"send", PySend, METH_VARARGS,
     "send(kind, request_id, payload) -> bool. Thread safe, never blocks on the network."},
    {nullptr, nullptr, 0, nullptr}};

PyModuleDef kModule = {PyModuleDef_HEAD_INIT, "_pyfn",
                       "pyfn-worker's bridge to the host's gRPC stream.", -1, kMethods,
                       nullptr, nullptr, nullptr, nullptr};

PyObject* InitModule() {
  PyObject* m = PyModule_Create(&kModule);
  if (m == nullptr) return nullptr;
#ifdef PYFN_VERSION
  PyModule_AddStringConstant(m, "version", PYFN_VERSION);
#endif
  return m;
}

}  // namespace

void RegisterPyfnModule(RpcStream* stream) {
  g_stream = stream;
  PyImport_AppendInittab("_pyfn", &InitModule);
}

}  // namespace pyfn
