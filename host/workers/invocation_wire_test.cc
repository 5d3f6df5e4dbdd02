#include "host/workers/invocation_wire.h"

#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

namespace pyfn {
namespace {

using google::protobuf::util::MessageDifferencer;

rpc::ParameterBinding Binding(const std::string& name, const std::string& text) {
  rpc::ParameterBinding pb;
  pb.set_name(name);
  pb.mutable_data()->set_string(text);
  return pb;
}

void ExpectEqual(const google::protobuf::Message& a, const google::protobuf::Message& b) {
  MessageDifferencer md;
  std::string diff;
  md.ReportDifferencesToString(&diff);
  EXPECT_TRUE(md.Compare(a, b)) << diff;
}

rpc::StreamingMessage Parse(const grpc::Slice& bytes) {
  rpc::StreamingMessage m;
  EXPECT_TRUE(m.ParseFromArray(bytes.begin(), static_cast<int>(bytes.size())));
  return m;
}

// Every part at once, against the message the invoker used to build.
TEST(InvocationWire, EveryPartInItsPlace) {
  rpc::ParameterBinding trigger = Binding("msg", "hello");
  std::vector<rpc::ParameterBinding> inputs = {Binding("in1", "a")};
  std::vector<rpc::ParameterBinding> more = {Binding("blob", std::string(300, 'b')),
                                             Binding("", "")};
  std::map<std::string, rpc::TypedData> metadata;
  metadata["DequeueCount"].set_int_(3);
  metadata["Id"].set_string("abc");
  metadata["Empty"];
  rpc::RpcTraceContext trace;
  trace.set_trace_parent("replaced");
  trace.set_trace_state("k=v");
  (*trace.mutable_attributes())["OperationName"] = "f";
  (*trace.mutable_attributes())["other"] = "";
  rpc::RetryContext retry;
  retry.set_retry_count(1);
  retry.mutable_exception()->set_stack_trace("at x");

  rpc::StreamingMessage expected;
  expected.set_request_id("id-1");
  rpc::InvocationRequest* r = expected.mutable_invocation_request();
  r->set_invocation_id("id-1");
  r->set_function_id("fn-1");
  *r->add_input_data() = trigger;
  for (const auto& pb : inputs) *r->add_input_data() = pb;
  for (const auto& pb : more) *r->add_input_data() = pb;
  for (const auto& [k, v] : metadata) (*r->mutable_trigger_metadata())[k] = v;
  *r->mutable_trace_context() = trace;
  r->mutable_trace_context()->set_trace_parent("00-parent");
  *r->mutable_retry_context() = retry;

  const std::string trigger_bytes = trigger.SerializeAsString();
  InvocationParts p;
  p.invocation_id = "id-1";
  p.function_id = "fn-1";
  p.trigger = trigger_bytes;
  p.inputs = &inputs;
  p.more_inputs = &more;
  p.trigger_metadata = &metadata;
  p.trace_context = &trace;
  p.trace_parent = "00-parent";
  p.retry_context = &retry;
  ExpectEqual(expected, Parse(EncodeInvocation(p)));
}

// What is not given is not sent (presence is part of the meaning).
TEST(InvocationWire, AbsentPartsStayAbsent) {
  InvocationParts p;
  p.invocation_id = "id-2";
  rpc::StreamingMessage m = Parse(EncodeInvocation(p));
  EXPECT_EQ(m.request_id(), "id-2");
  ASSERT_TRUE(m.has_invocation_request());
  EXPECT_FALSE(m.invocation_request().has_trace_context());
  EXPECT_FALSE(m.invocation_request().has_retry_context());
  EXPECT_EQ(m.invocation_request().input_data_size(), 0);

  rpc::RpcTraceContext trace;
  rpc::RetryContext retry;
  p.trace_context = &trace;
  p.retry_context = &retry;
  m = Parse(EncodeInvocation(p));
  EXPECT_TRUE(m.invocation_request().has_trace_context());
  EXPECT_TRUE(m.invocation_request().has_retry_context());
}

TEST(InvocationWire, RoundTripThroughTheOutgoingForm) {
  rpc::InvocationRequest req;
  req.set_invocation_id("id-3");
  req.set_function_id("fn");
  auto* http = req.add_input_data()->mutable_data()->mutable_http();
  http->set_method("GET");
  http->set_url("http://h/" + std::string(300, 'u'));
  *req.add_input_data() = Binding("x", "y");
  (*req.mutable_trigger_metadata())["k"].set_json("{}");
  req.mutable_trace_context()->set_trace_parent("tp");
  OutgoingInvocation out = OutgoingFromRequest(req);
  EXPECT_EQ(out.invocation_id, "id-3");
  EXPECT_TRUE(out.http);
  EXPECT_EQ(out.http_summary, "GET " + http->url().substr(0, 200));
  rpc::InvocationRequest back;
  ASSERT_TRUE(ParseOutgoing(out, &back));
  ExpectEqual(req, back);

  out.bytes = grpc::Slice(std::string("\xff\xff"));
  EXPECT_FALSE(ParseOutgoing(out, &back));
}

TEST(InvocationWire, HttpSummaryShowsTwoHundredBytesOfTheUrl) {
  EXPECT_EQ(HttpSummary("GET", "http://h", "/api/x?a=1"), "GET http://h/api/x?a=1");
  EXPECT_EQ(HttpSummary("", ""), " ");
  const std::string base(150, 'b'), target(100, 't');
  EXPECT_EQ(HttpSummary("POST", base, target), "POST " + base + target.substr(0, 50));
  EXPECT_EQ(HttpSummary("POST", base + target), "POST " + (base + target).substr(0, 200));
}

}  // namespace
}  // namespace pyfn
