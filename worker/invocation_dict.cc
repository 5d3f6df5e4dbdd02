#include "invocation_dict.h"

#include <string>

#include "proto_dict.h"

namespace pyfn {

namespace rpc = AzureFunctionsRpcMessages;

namespace {

// The dict keys, interned once (the dispatcher's literals are the same objects,
// so the way back can compare keys by identity).
struct Keys {
  PyObject* invocation_id;
  PyObject* function_id;
  PyObject* input_data;
  PyObject* name;
  PyObject* data;
  PyObject* trigger_metadata;
  PyObject* trace_context;
  PyObject* retry_context;
  PyObject* trace_parent;
  PyObject* trace_state;
  PyObject* attributes;
  PyObject* http;
  PyObject* method;
  PyObject* url;
  PyObject* headers;
  PyObject* query;
  PyObject* params;
  PyObject* body;
  PyObject* raw_body;
  PyObject* string;
  PyObject* json;
  PyObject* bytes;
  PyObject* stream;
  PyObject* result;
  PyObject* status;
  PyObject* return_value;
  PyObject* status_code;
  PyObject* cookies;
  PyObject* retry_count;
  PyObject* max_retry_count;
  PyObject* exception;
};

const Keys* GetKeys() {
  static Keys* keys = nullptr;  // guarded by the GIL
  if (keys != nullptr) return keys;
  auto* k = new Keys;
  struct Named {
    PyObject** slot;
    const char* text;
  };
  const Named all[] = {
      {&k->invocation_id, "invocation_id"}, {&k->function_id, "function_id"},
      {&k->input_data, "input_data"},       {&k->name, "name"},
      {&k->data, "data"},                   {&k->trigger_metadata, "trigger_metadata"},
      {&k->trace_context, "trace_context"}, {&k->retry_context, "retry_context"},
      {&k->trace_parent, "trace_parent"},   {&k->trace_state, "trace_state"},
      {&k->attributes, "attributes"},       {&k->http, "http"},
      {&k->method, "method"},               {&k->url, "url"},
      {&k->headers, "headers"},             {&k->query, "query"},
      {&k->params, "params"},               {&k->body, "body"},
      {&k->raw_body, "rawBody"},            {&k->string, "string"},
      {&k->json, "json"},                   {&k->bytes, "bytes"},
      {&k->stream, "stream"},               {&k->result, "result"},
      {&k->status, "status"},               {&k->return_value, "return_value"},
      {&k->status_code, "status_code"},     {&k->cookies, "cookies"},
      {&k->retry_count, "retry_count"},     {&k->max_retry_count, "max_retry_count"},
      {&k->exception, "exception"},
  };
  for (const Named& n : all) {
    *n.slot = PyUnicode_InternFromString(n.text);
    if (*n.slot == nullptr) return nullptr;  // a few interned strings leak; no retry cost
  }
  keys = k;
  return keys;
}

// ---- protobuf -> Python -------------------------------------------------------

PyObject* Str(const std::string& s) {
  // Protobuf's parser already rejects invalid UTF-8; replace rather than fail.
  return PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "replace");
}

PyObject* Bytes(const std::string& s) {
  return PyBytes_FromStringAndSize(s.data(), static_cast<Py_ssize_t>(s.size()));
}

// Sets d[key] = value and drops the reference to value. False on error.
bool Put(PyObject* d, PyObject* key, PyObject* value) {
  if (value == nullptr) return false;
  int rc = PyDict_SetItem(d, key, value);
  Py_DECREF(value);
  return rc == 0;
}

PyObject* StrMap(const google::protobuf::Map<std::string, std::string>& m) {
  PyObject* d = PyDict_New();
  if (d == nullptr) return nullptr;
  for (const auto& [key, value] : m) {
    PyObject* k = Str(key);
    if (k == nullptr || !Put(d, k, Str(value))) {
      Py_XDECREF(k);
      Py_DECREF(d);
      return nullptr;
    }
    Py_DECREF(k);
  }
  return d;
}

PyObject* TypedDataToPy(const rpc::TypedData& td, const Keys* k);

PyObject* HttpToPy(const rpc::RpcHttp& h, const Keys* k) {
  PyObject* d = PyDict_New();
  if (d == nullptr) return nullptr;
  bool ok = Put(d, k->method, Str(h.method())) && Put(d, k->url, Str(h.url())) &&
            Put(d, k->headers, StrMap(h.headers())) && Put(d, k->query, StrMap(h.query())) &&
            Put(d, k->params, StrMap(h.params())) &&
            (!h.has_body() || Put(d, k->body, TypedDataToPy(h.body(), k))) &&
            (!h.has_rawbody() || Put(d, k->raw_body, TypedDataToPy(h.rawbody(), k)));
  if (!ok) {
    Py_DECREF(d);
    return nullptr;
  }
  return d;
}

// {kind: value}, the same dict MessageToDict gives for a TypedData.
PyObject* TypedDataToPy(const rpc::TypedData& td, const Keys* k) {
  PyObject* key;
  PyObject* value;
  switch (td.data_case()) {
    case rpc::TypedData::kHttp:
      key = k->http;
      value = HttpToPy(td.http(), k);
      break;
    case rpc::TypedData::kString:
      key = k->string;
      value = Str(td.string());
      break;
    case rpc::TypedData::kJson:
      key = k->json;
      value = Str(td.json());
      break;
    case rpc::TypedData::kBytes:
      key = k->bytes;
      value = Bytes(td.bytes());
      break;
    case rpc::TypedData::kStream:
      key = k->stream;
      value = Bytes(td.stream());
      break;
    default:
      return MessageToDict(td);
  }
  PyObject* d = PyDict_New();
  if (d == nullptr || !Put(d, key, value)) {
    Py_XDECREF(d);
    return nullptr;
  }
  return d;
}

PyObject* InputData(const rpc::InvocationRequest& req, const Keys* k) {
  PyObject* list = PyList_New(req.input_data_size());
  if (list == nullptr) return nullptr;
  for (int i = 0; i < req.input_data_size(); ++i) {
    const rpc::ParameterBinding& b = req.input_data(i);
    PyObject* item = PyDict_New();
    if (item == nullptr) {
      Py_DECREF(list);
      return nullptr;
    }
    PyList_SET_ITEM(list, i, item);  // steals
    if (!Put(item, k->name, Str(b.name())) ||
        (b.has_data() && !Put(item, k->data, TypedDataToPy(b.data(), k)))) {
      Py_DECREF(list);
      return nullptr;
    }
  }
  return list;
}

PyObject* TriggerMetadata(const rpc::InvocationRequest& req, const Keys* k) {
  PyObject* d = PyDict_New();
  if (d == nullptr) return nullptr;
  for (const auto& [key, value] : req.trigger_metadata()) {
    PyObject* pk = Str(key);
    if (pk == nullptr || !Put(d, pk, TypedDataToPy(value, k))) {
      Py_XDECREF(pk);
      Py_DECREF(d);
      return nullptr;
    }
    Py_DECREF(pk);
  }
  return d;
}

PyObject* TraceContext(const rpc::RpcTraceContext& tc, const Keys* k) {
  PyObject* d = PyDict_New();
  if (d == nullptr) return nullptr;
  if (!Put(d, k->trace_parent, Str(tc.trace_parent())) ||
      !Put(d, k->trace_state, Str(tc.trace_state())) ||
      !Put(d, k->attributes, StrMap(tc.attributes()))) {
    Py_DECREF(d);
    return nullptr;
  }
  return d;
}

// MessageToDict's form, which the host sends with every invocation.
PyObject* RetryContext(const rpc::RetryContext& rc, const Keys* k) {
  PyObject* d = PyDict_New();
  if (d == nullptr) return nullptr;
  if (!Put(d, k->retry_count, PyLong_FromLong(rc.retry_count())) ||
      !Put(d, k->max_retry_count, PyLong_FromLong(rc.max_retry_count())) ||
      (rc.has_exception() && !Put(d, k->exception, MessageToDict(rc.exception())))) {
    Py_DECREF(d);
    return nullptr;
  }
  return d;
}

// ---- Python -> protobuf (the usual shapes only) -----------------------------
// Each returns false, with no Python error left set, for any shape it does not
// handle; the caller then starts over with DictToMessage.

bool TakeStr(PyObject* v, std::string* out) {
  if (!PyUnicode_CheckExact(v)) return false;
  Py_ssize_t n = 0;
  const char* c = PyUnicode_AsUTF8AndSize(v, &n);
  if (c == nullptr) {  // lone surrogates: DictToMessage replaces them
    PyErr_Clear();
    return false;
  }
  out->assign(c, static_cast<size_t>(n));
  return true;
}

bool TakeBytes(PyObject* v, std::string* out) {
  if (!PyBytes_CheckExact(v)) return false;
  out->assign(PyBytes_AS_STRING(v), static_cast<size_t>(PyBytes_GET_SIZE(v)));
  return true;
}

bool FastTypedData(PyObject* v, rpc::TypedData* td, const Keys* k, bool allow_http);

bool FastHttp(PyObject* v, rpc::RpcHttp* h, const Keys* k) {
  if (!PyDict_CheckExact(v)) return false;
  PyObject *key, *value;
  Py_ssize_t pos = 0;
  while (PyDict_Next(v, &pos, &key, &value)) {
    if (value == Py_None) continue;
    if (key == k->status_code) {
      if (!TakeStr(value, h->mutable_status_code())) return false;
    } else if (key == k->headers) {
      if (!PyDict_CheckExact(value)) return false;
      auto* headers = h->mutable_headers();
      PyObject *hk, *hv;
      Py_ssize_t hpos = 0;
      std::string name;
      while (PyDict_Next(value, &hpos, &hk, &hv)) {
        if (!TakeStr(hk, &name)) return false;
        if (!TakeStr(hv, &(*headers)[name])) return false;
      }
    } else if (key == k->body) {
      if (!FastTypedData(value, h->mutable_body(), k, false)) return false;
    } else if (key == k->cookies) {
      if (!PyList_CheckExact(value) || PyList_GET_SIZE(value) != 0) return false;
    } else {
      return false;
    }
  }
  return true;
}

bool FastTypedData(PyObject* v, rpc::TypedData* td, const Keys* k, bool allow_http) {
  if (!PyDict_CheckExact(v)) return false;
  Py_ssize_t n = PyDict_GET_SIZE(v);
  if (n == 0) return true;  // set, empty: as DictToMessage leaves it
  if (n != 1) return false;
  PyObject *key, *value;
  Py_ssize_t pos = 0;
  PyDict_Next(v, &pos, &key, &value);
  if (key == k->string) return TakeStr(value, td->mutable_string());
  if (key == k->json) return TakeStr(value, td->mutable_json());
  if (key == k->bytes) return TakeBytes(value, td->mutable_bytes());
  if (key == k->http && allow_http) return FastHttp(value, td->mutable_http(), k);
  return false;
}

bool FastResult(PyObject* v, rpc::StatusResult* result, const Keys* k) {
  if (!PyDict_CheckExact(v) || PyDict_GET_SIZE(v) != 1) return false;
  PyObject* status = PyDict_GetItem(v, k->status);  // borrowed
  if (status == nullptr || !PyLong_CheckExact(status)) return false;
  long s = PyLong_AsLong(status);
  if (s == -1 && PyErr_Occurred()) {
    PyErr_Clear();
    return false;
  }
  if (!rpc::StatusResult_Status_IsValid(static_cast<int>(s))) return false;
  result->set_status(static_cast<rpc::StatusResult_Status>(s));
  return true;
}

bool FastResponse(PyObject* dict, rpc::InvocationResponse* msg, const Keys* k) {
  if (!PyDict_CheckExact(dict)) return false;
  PyObject *key, *value;
  Py_ssize_t pos = 0;
  while (PyDict_Next(dict, &pos, &key, &value)) {
    if (value == Py_None) continue;
    if (key == k->invocation_id) {
      if (!TakeStr(value, msg->mutable_invocation_id())) return false;
    } else if (key == k->result) {
      if (!FastResult(value, msg->mutable_result(), k)) return false;
    } else if (key == k->return_value) {
      if (!FastTypedData(value, msg->mutable_return_value(), k, true)) return false;
    } else {
      return false;  // output_data, an exception, an unknown key: the general path
    }
  }
  return true;
}

}  // namespace

PyObject* InvocationRequestToDict(const rpc::InvocationRequest& req) {
  const Keys* k = GetKeys();
  if (k == nullptr) return nullptr;
  PyObject* d = PyDict_New();
  if (d == nullptr) return nullptr;
  bool ok = Put(d, k->invocation_id, Str(req.invocation_id())) &&
            Put(d, k->function_id, Str(req.function_id())) &&
            Put(d, k->input_data, InputData(req, k)) &&
            (req.trigger_metadata().empty() ||
             Put(d, k->trigger_metadata, TriggerMetadata(req, k))) &&
            (!req.has_trace_context() ||
             Put(d, k->trace_context, TraceContext(req.trace_context(), k))) &&
            (!req.has_retry_context() ||
             Put(d, k->retry_context, RetryContext(req.retry_context(), k)));
  if (!ok) {
    Py_DECREF(d);
    return nullptr;
  }
  return d;
}

Status DictToInvocationResponse(PyObject* dict, rpc::InvocationResponse* msg) {
  msg->Clear();
  const Keys* k = GetKeys();
  if (k == nullptr) PyErr_Clear();
  if (k != nullptr && FastResponse(dict, msg, k)) return Status::OK();
  return DictToMessage(dict, msg);
}

}  // namespace pyfn
