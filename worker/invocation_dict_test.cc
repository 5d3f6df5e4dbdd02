#include "invocation_dict.h"

#include <gtest/gtest.h>

#include <google/protobuf/util/message_differencer.h>

#include "proto_dict.h"

// The interpreter is started by proto_dict_test.cc's environment (same binary).

namespace pyfn {
namespace {

namespace rpc = AzureFunctionsRpcMessages;
using google::protobuf::util::MessageDifferencer;

PyObject* Eval(const char* expr) {
  PyObject* globals = PyDict_New();
  PyDict_SetItemString(globals, "__builtins__", PyEval_GetBuiltins());
  PyObject* r = PyRun_String(expr, Py_eval_input, globals, globals);
  Py_DECREF(globals);
  if (r == nullptr) PyErr_Print();
  return r;
}

// Evaluates `test` (a Python expression over `d`); true if it is True.
bool Holds(PyObject* d, const char* test) {
  PyObject* globals = PyDict_New();
  PyDict_SetItemString(globals, "__builtins__", PyEval_GetBuiltins());
  PyDict_SetItemString(globals, "d", d);
  PyObject* r = PyRun_String(test, Py_eval_input, globals, globals);
  if (r == nullptr) PyErr_Print();
  bool ok = r == Py_True;
  if (!ok && r != nullptr) {
    PyObject* repr = PyObject_Repr(d);
    ADD_FAILURE() << test << " is false for " << PyUnicode_AsUTF8(repr);
    Py_DECREF(repr);
  }
  Py_XDECREF(r);
  Py_DECREF(globals);
  return ok;
}

rpc::InvocationRequest HttpRequest() {
  rpc::InvocationRequest req;
  req.set_invocation_id("inv-1");
  req.set_function_id("fn-1");
  rpc::ParameterBinding* b = req.add_input_data();
  b->set_name("req");
  rpc::RpcHttp* http = b->mutable_data()->mutable_http();
  http->set_method("POST");
  http->set_url("http://localhost:7071/api/x?a=1");
  (*http->mutable_headers())["content-type"] = "application/json";
  (*http->mutable_query())["a"] = "1";
  (*http->mutable_params())["id"] = "42";
  (*http->mutable_nullable_headers())["content-type"].set_value("application/json");
  http->add_identities()->mutable_authentication_type()->set_value("x");
  http->mutable_body()->set_bytes(std::string("\x00\xff{}", 4));
  req.mutable_trace_context()->set_trace_parent("00-abc-def-01");
  (*req.mutable_trace_context()->mutable_attributes())["k"] = "v";
  return req;
}

TEST(InvocationDictTest, HttpRequestCarriesWhatTheDispatcherReads) {
  PyObject* d = InvocationRequestToDict(HttpRequest());
  ASSERT_NE(d, nullptr);
  EXPECT_TRUE(Holds(d,
                    "d == {'invocation_id': 'inv-1', 'function_id': 'fn-1',"
                    " 'input_data': [{'name': 'req', 'data': {'http': {"
                    "   'method': 'POST', 'url': 'http://localhost:7071/api/x?a=1',"
                    "   'headers': {'content-type': 'application/json'},"
                    "   'query': {'a': '1'}, 'params': {'id': '42'},"
                    "   'body': {'bytes': b'\\x00\\xff{}'}}}}],"
                    " 'trace_context': {'trace_parent': '00-abc-def-01', 'trace_state': '',"
                    "   'attributes': {'k': 'v'}}}"));
  Py_DECREF(d);
}

TEST(InvocationDictTest, OtherShapesMatchTheGeneralMapping) {
  rpc::InvocationRequest req;
  req.set_invocation_id("inv-2");
  rpc::ParameterBinding* b = req.add_input_data();
  b->set_name("items");
  b->mutable_data()->mutable_collection_string()->add_string("x");
  req.add_input_data()->set_name("nothing");  // no data at all
  rpc::RpcHttp* http = req.add_input_data()->mutable_data()->mutable_http();
  http->mutable_rawbody()->set_string("raw");
  (*req.mutable_trigger_metadata())["n"].set_int_(-7);
  (*req.mutable_trigger_metadata())["s"].set_string("");
  (*req.mutable_trigger_metadata())["j"].set_json("{}");
  req.mutable_retry_context()->set_retry_count(1);
  PyObject* d = InvocationRequestToDict(req);
  ASSERT_NE(d, nullptr);
  EXPECT_TRUE(Holds(d, "d['input_data'][0]['data'] == {'collection_string': {'string': ['x']}}"));
  EXPECT_TRUE(Holds(d, "d['input_data'][1] == {'name': 'nothing'}"));
  EXPECT_TRUE(Holds(d, "d['input_data'][2]['data']['http']['rawBody'] == {'string': 'raw'}"
                       " and 'body' not in d['input_data'][2]['data']['http']"));
  EXPECT_TRUE(Holds(d, "d['trigger_metadata'] == {'n': {'int': -7}, 's': {'string': ''},"
                       " 'j': {'json': '{}'}}"));
  EXPECT_TRUE(Holds(d, "d['retry_context'] == {'retry_count': 1, 'max_retry_count': 0}"));
  Py_DECREF(d);
  req.mutable_retry_context()->mutable_exception()->set_message("boom");
  d = InvocationRequestToDict(req);
  ASSERT_NE(d, nullptr);
  EXPECT_TRUE(Holds(d, "d['retry_context']['exception']['message'] == 'boom'"));
  EXPECT_TRUE(Holds(d, "'trace_context' not in d and d['function_id'] == ''"));
  Py_DECREF(d);
}

// The direct path and DictToMessage give the same message for every shape.
void ExpectSameAsGeneral(const char* expr) {
  PyObject* d = Eval(expr);
  ASSERT_NE(d, nullptr) << expr;
  rpc::InvocationResponse fast, general;
  fast.set_invocation_id("stale");  // cleared first
  Status a = DictToInvocationResponse(d, &fast);
  Status b = DictToMessage(d, &general);
  Py_DECREF(d);
  ASSERT_TRUE(a.ok()) << expr << ": " << a.message();
  ASSERT_TRUE(b.ok()) << expr << ": " << b.message();
  std::string diff;
  MessageDifferencer md;
  md.ReportDifferencesToString(&diff);
  EXPECT_TRUE(md.Compare(general, fast)) << expr << ": " << diff;
  EXPECT_FALSE(PyErr_Occurred());
}

TEST(InvocationDictTest, ResponsesMatchTheGeneralMapping) {
  ExpectSameAsGeneral("{'invocation_id': 'i', 'result': {'status': 1}}");
  ExpectSameAsGeneral("{'invocation_id': 'i', 'result': {'status': 1},"
                      " 'return_value': {'string': 'ok'}}");
  ExpectSameAsGeneral("{'invocation_id': 'i', 'result': {'status': 1}, 'return_value': {}}");
  ExpectSameAsGeneral("{'invocation_id': 'i', 'result': {'status': 1},"
                      " 'return_value': {'json': '[1]'}}");
  ExpectSameAsGeneral("{'invocation_id': 'i', 'result': {'status': 1},"
                      " 'return_value': {'bytes': b'\\x00b'}}");
  ExpectSameAsGeneral("{'invocation_id': 'i', 'result': {'status': 1},"
                      " 'return_value': {'http': {'status_code': '201',"
                      "   'headers': {'Content-Type': 'text/plain', 'X': 'y'},"
                      "   'body': {'bytes': b'hi'}, 'cookies': []}}}");
  // Shapes the direct path hands to DictToMessage.
  ExpectSameAsGeneral("{'invocation_id': 'i', 'result': {'status': 'Cancelled'}}");
  ExpectSameAsGeneral("{'invocation_id': 'i', 'result': {'status': 0, 'exception': {"
                      "   'message': 'boom', 'stack_trace': 'tb'}}}");
  ExpectSameAsGeneral("{'invocation_id': 'i', 'result': {'status': 1},"
                      " 'return_value': {'http': {'status_code': '200', 'headers': {'a': None},"
                      "   'body': {'string': 'x'}, 'cookies': [{'name': 'c', 'value': 'v'}]}},"
                      " 'output_data': [{'name': 'o', 'data': {'int': 3}}]}");
  ExpectSameAsGeneral("{'invocation_id': 'i\\udcff', 'result': {'status': 1}}");
  ExpectSameAsGeneral("{'invocation_id': 'i', 'result': {'status': 9}}");  // open enum
  ExpectSameAsGeneral("{'invocation_id': b'i', 'result': None, 'return_value': {'int': 4}}");
}

TEST(InvocationDictTest, BadResponsesNameTheField) {
  rpc::InvocationResponse resp;
  PyObject* d = Eval("{'invocation_id': 'i', 'return_value': {'http': {'headers': {'a': 1}}}}");
  Status s = DictToInvocationResponse(d, &resp);
  Py_DECREF(d);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("return_value.http.headers[a]"), std::string::npos) << s.message();
  EXPECT_FALSE(PyErr_Occurred());
}

}  // namespace
}  // namespace pyfn
