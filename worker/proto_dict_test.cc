#include "proto_dict.h"

#include <gtest/gtest.h>

#include <google/protobuf/util/message_differencer.h>

#include "FunctionRpc.pb.h"

namespace pyfn {
namespace {

namespace rpc = AzureFunctionsRpcMessages;
using google::protobuf::util::MessageDifferencer;

class PythonEnv : public ::testing::Environment {
 public:
  void SetUp() override { Py_InitializeEx(0); }
  void TearDown() override { Py_FinalizeEx(); }
};
::testing::Environment* const kPythonEnv = ::testing::AddGlobalTestEnvironment(new PythonEnv);

// Evaluates a Python expression; returns a new reference.
PyObject* Eval(const char* expr) {
  PyObject* globals = PyDict_New();
  PyDict_SetItemString(globals, "__builtins__", PyEval_GetBuiltins());
  PyObject* r = PyRun_String(expr, Py_eval_input, globals, globals);
  Py_DECREF(globals);
  if (r == nullptr) PyErr_Print();
  return r;
}

std::string Repr(PyObject* o) {
  PyObject* r = PyObject_Repr(o);
  std::string s = PyUnicode_AsUTF8(r);
  Py_DECREF(r);
  return s;
}

template <typename M>
void ExpectRoundTrip(const M& in) {
  PyObject* d = MessageToDict(in);
  ASSERT_NE(d, nullptr);
  M out;
  Status s = DictToMessage(d, &out);
  ASSERT_TRUE(s.ok()) << s.message() << " in " << Repr(d);
  std::string diff;
  MessageDifferencer md;
  md.ReportDifferencesToString(&diff);
  EXPECT_TRUE(md.Compare(in, out)) << diff;
  Py_DECREF(d);
}

rpc::InvocationRequest SampleRequest() {
  rpc::InvocationRequest req;
  req.set_invocation_id("inv-1");
  req.set_function_id("fn-1");
  rpc::ParameterBinding* b = req.add_input_data();
  b->set_name("req");
  rpc::RpcHttp* http = b->mutable_data()->mutable_http();
  http->set_method("POST");
  http->set_url("http://localhost:7071/api/x?a=1");
  (*http->mutable_headers())["content-type"] = "application/json";
  (*http->mutable_headers())["x-multi"] = "a, b";
  (*http->mutable_query())["a"] = "1";
  (*http->mutable_params())["id"] = "42";
  http->mutable_body()->set_bytes(std::string("\x00\xff{\"k\":1}", 9));
  rpc::ParameterBinding* b2 = req.add_input_data();
  b2->set_name("items");
  b2->mutable_data()->mutable_collection_string()->add_string("x");
  b2->mutable_data()->mutable_collection_string()->add_string("y");
  (*req.mutable_trigger_metadata())["n"].set_int_(-7);
  (*req.mutable_trigger_metadata())["d"].set_double_(2.5);
  (*req.mutable_trigger_metadata())["s"].set_string("");  // set-but-default oneof member
  req.mutable_trace_context()->set_trace_parent("00-abc-def-01");
  (*req.mutable_trace_context()->mutable_attributes())["k"] = "v";
  req.mutable_retry_context()->set_retry_count(1);
  return req;
}

TEST(ProtoDictTest, InvocationRequestRoundTrip) { ExpectRoundTrip(SampleRequest()); }

TEST(ProtoDictTest, InvocationRequestShape) {
  PyObject* d = MessageToDict(SampleRequest());
  ASSERT_NE(d, nullptr);
  PyObject* globals = PyDict_New();
  PyDict_SetItemString(globals, "__builtins__", PyEval_GetBuiltins());
  PyDict_SetItemString(globals, "d", d);
  PyObject* r = PyRun_String(
      "(d['input_data'][0]['data']['http']['body'] == {'bytes': b'\\x00\\xff{\"k\":1}'}"
      " and d['input_data'][0]['data']['http']['headers']['x-multi'] == 'a, b'"
      " and d['input_data'][1]['data'] == {'collection_string': {'string': ['x', 'y']}}"
      " and d['trigger_metadata']['s'] == {'string': ''}"
      " and d['trigger_metadata']['n'] == {'int': -7}"
      " and d['retry_context']['retry_count'] == 1"
      " and d['input_data'][0]['data']['http']['status_code'] == ''"
      " and 'rawBody' not in d['input_data'][0]['data']['http'])",
      Py_eval_input, globals, globals);
  if (r == nullptr) PyErr_Print();
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r, Py_True) << Repr(d);
  Py_XDECREF(r);
  Py_DECREF(globals);
  Py_DECREF(d);
}

TEST(ProtoDictTest, InvocationResponseFromPython) {
  PyObject* d = Eval(
      "{'invocation_id': 'inv-1',"
      " 'result': {'status': 'Success'},"
      " 'return_value': {'http': {'status_code': '201',"
      "    'headers': {'content-type': 'text/plain', 'skip': None},"
      "    'body': {'bytes': bytearray(b'hi')},"
      "    'cookies': [{'name': 'a', 'value': 'b', 'path': {'value': '/'},"
      "                 'same_site': 2, 'max_age': {'value': 3}}]}},"
      " 'output_data': ({'name': 'out', 'data': {'json': '[1]'}},"
      "                 {'name': 'n', 'data': {'collection_sint64': {'sint64': [1, -2]}}})}");
  ASSERT_NE(d, nullptr);
  rpc::InvocationResponse resp;
  Status s = DictToMessage(d, &resp);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(resp.result().status(), rpc::StatusResult::Success);
  EXPECT_EQ(resp.return_value().http().status_code(), "201");
  EXPECT_EQ(resp.return_value().http().headers().size(), 1u);
  EXPECT_EQ(resp.return_value().http().body().bytes(), "hi");
  ASSERT_EQ(resp.return_value().http().cookies_size(), 1);
  EXPECT_EQ(resp.return_value().http().cookies(0).path().value(), "/");
  EXPECT_EQ(resp.return_value().http().cookies(0).same_site(), rpc::RpcHttpCookie::Strict);
  EXPECT_DOUBLE_EQ(resp.return_value().http().cookies(0).max_age().value(), 3.0);
  ASSERT_EQ(resp.output_data_size(), 2);
  EXPECT_EQ(resp.output_data(0).data().json(), "[1]");
  EXPECT_EQ(resp.output_data(1).data().collection_sint64().sint64(1), -2);
  Py_DECREF(d);
  ExpectRoundTrip(resp);
}

TEST(ProtoDictTest, FailureWithException) {
  rpc::InvocationResponse resp;
  resp.set_invocation_id("x");
  resp.mutable_result()->set_status(rpc::StatusResult::Failure);
  resp.mutable_result()->mutable_exception()->set_message("ValueError: boom");
  resp.mutable_result()->mutable_exception()->set_stack_trace("Traceback...");
  ExpectRoundTrip(resp);
}

TEST(ProtoDictTest, DurationIsFloatSeconds) {
  rpc::WorkerTerminate t;
  t.mutable_grace_period()->set_seconds(5);
  t.mutable_grace_period()->set_nanos(500000000);
  PyObject* d = MessageToDict(t);
  PyObject* g = PyDict_GetItemString(d, "grace_period");
  ASSERT_NE(g, nullptr);
  EXPECT_DOUBLE_EQ(PyFloat_AsDouble(g), 5.5);
  ExpectRoundTrip(t);
  Py_DECREF(d);
}

TEST(ProtoDictTest, MetadataWithRepeatedStringsAndEnumMaps) {
  rpc::FunctionMetadataResponse r;
  rpc::RpcFunctionMetadata* m = r.add_function_metadata_results();
  m->set_name("hello");
  m->add_raw_bindings("{\"type\":\"httpTrigger\"}");
  m->add_raw_bindings("{\"type\":\"http\"}");
  rpc::BindingInfo& bi = (*m->mutable_bindings())["req"];
  bi.set_type("httpTrigger");
  bi.set_direction(rpc::BindingInfo::out);
  bi.set_data_type(rpc::BindingInfo::binary);
  m->mutable_retry_options()->mutable_delay_interval()->set_seconds(3);
  r.set_use_default_metadata_indexing(true);
  ExpectRoundTrip(r);
  rpc::WorkerInitRequest w;
  (*w.mutable_log_categories())["x"] = rpc::RpcLog::Warning;
  (*w.mutable_capabilities())["RawHttpBodyBytes"] = "true";
  ExpectRoundTrip(w);
}

TEST(ProtoDictTest, ErrorsNameTheField) {
  rpc::InvocationResponse resp;
  PyObject* d = Eval("{'result': {'status': 'Nope'}}");
  Status s = DictToMessage(d, &resp);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("result.status"), std::string::npos) << s.message();
  Py_DECREF(d);
  d = Eval("{'output_data': [{'name': 1}]}");
  s = DictToMessage(d, &resp);
  EXPECT_NE(s.message().find("output_data[0].name"), std::string::npos) << s.message();
  Py_DECREF(d);
  d = Eval("{'nonsense': 1}");
  s = DictToMessage(d, &resp);
  EXPECT_NE(s.message().find("nonsense"), std::string::npos) << s.message();
  Py_DECREF(d);
  EXPECT_FALSE(PyErr_Occurred());
}

}  // namespace
}  // namespace pyfn
