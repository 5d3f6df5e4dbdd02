#include "host/http/rpc_http_wire.h"

#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <random>

#include "host/http/rpc_http.h"
#include "host/workers/invocation_wire.h"

namespace pyfn {
namespace {

using google::protobuf::util::MessageDifferencer;

// What the message path builds for the trigger (FunctionRoutes before wire
// bytes): the reference the bytes must equal once parsed.
rpc::ParameterBinding Reference(const std::string& binding, const HttpRequest& req,
                                const std::map<std::string, std::string>& params,
                                bool with_request) {
  rpc::ParameterBinding pb;
  pb.set_name(binding);
  auto* http = pb.mutable_data()->mutable_http();
  if (with_request) {
    BuildRpcHttp(req, params, http);
  } else {
    for (const auto& [k, v] : params) (*http->mutable_params())[k] = v;
  }
  return pb;
}

// Encodes, parses and compares; the failure message names the difference.
void ExpectSame(const std::string& binding, const HttpRequest& req,
                const std::map<std::string, std::string>& params, bool with_request = true) {
  std::string bytes;
  ASSERT_TRUE(EncodeHttpTrigger(binding, req, params, with_request, &bytes));
  rpc::ParameterBinding parsed;
  ASSERT_TRUE(parsed.ParseFromString(bytes));
  MessageDifferencer md;
  std::string diff;
  md.ReportDifferencesToString(&diff);
  EXPECT_TRUE(md.Compare(Reference(binding, req, params, with_request), parsed))
      << diff << " for " << req.method << " " << req.target;
}

HttpRequest Request(std::string method, std::string target) {
  HttpRequest req;
  req.method = std::move(method);
  req.SetTarget(std::move(target));
  req.base_url = "http://localhost:7071";
  return req;
}

TEST(RpcHttpWire, PlainGet) {
  HttpRequest req = Request("GET", "/api/hello");
  req.headers = {{"Host", "localhost:7071"}, {"User-Agent", "curl/8.0"}, {"Accept", "*/*"}};
  ExpectSame("req", req, {});
}

TEST(RpcHttpWire, RepeatedHeaderNamesJoinInArrivalOrderWhateverTheirCase) {
  HttpRequest req = Request("POST", "/api/items/5?name=x&name=y&empty=&flag");
  req.headers = {{"X-Multi", "a"},     {"Content-Type", "text/plain"}, {"x-multi", "b"},
                 {"X-MULTI", ""},      {"accept", "1"},                {"ACCEPT", "2"},
                 {"X-Empty", ""},      {"x-multi", "c, d"}};
  req.body = "hello";
  ExpectSame("req", req, {{"id", "5"}, {"rest", "a/b"}});
  std::string bytes;
  ASSERT_TRUE(EncodeHttpTrigger("req", req, {}, true, &bytes));
  rpc::ParameterBinding pb;
  ASSERT_TRUE(pb.ParseFromString(bytes));
  EXPECT_EQ(pb.data().http().headers().at("x-multi"), "a, b, , c, d");
  EXPECT_EQ(pb.data().http().headers().at("accept"), "1, 2");
}

TEST(RpcHttpWire, Bodies) {
  for (std::string body : {std::string(), std::string("\0\xff\xfe\x80 binary", 11),
                           std::string(70000, 'x'), std::string("{\"a\": \"\xc3\xa9\"}")}) {
    HttpRequest req = Request("PUT", "/api/upload");
    req.headers = {{"Content-Type", "application/octet-stream"}};
    req.body = body;
    ExpectSame("file", req, {});
  }
}

TEST(RpcHttpWire, NoHeadersNoMethodNoUrlNoBindingName) {
  HttpRequest req;
  ExpectSame("", req, {});
  req.base_url = "http://h";
  ExpectSame("req", req, {{"", ""}});
}

TEST(RpcHttpWire, UnicodeAndLongStrings) {
  HttpRequest req = Request("GET", "/api/caf%C3%A9?q=%E2%82%AC&name=" + std::string(300, 'n'));
  req.headers = {{"X-Note", "caf\xc3\xa9 \xe2\x82\xac"}, {"X-Long", std::string(5000, 'v')}};
  ExpectSame("r\xc3\xa9q", req, {{"name", "caf\xc3\xa9"}, {"long", std::string(200, 'p')}});
}

TEST(RpcHttpWire, OnlyTheRouteParametersForAForwardedRequest) {
  HttpRequest req = Request("POST", "/api/x/1?a=b");
  req.headers = {{"Host", "h"}};
  req.body = "ignored";
  ExpectSame("req", req, {{"id", "1"}}, false);
}

// Strings BuildRpcHttp repairs, and header counts past the writer's bound,
// are left to the message.
TEST(RpcHttpWire, RefusesWhatTheMessageMustRepair) {
  std::string out = "untouched";
  HttpRequest req = Request("GET", "/api/x");
  req.headers = {{"X-Bad", "a\xff"}};
  EXPECT_FALSE(EncodeHttpTrigger("req", req, {}, true, &out));
  req.headers = {{"X-\xc3", "a"}};
  EXPECT_FALSE(EncodeHttpTrigger("req", req, {}, true, &out));
  req.headers.clear();
  EXPECT_FALSE(EncodeHttpTrigger("req", req, {{"id", "\xfe"}}, true, &out));
  EXPECT_FALSE(EncodeHttpTrigger("req", req, {{"id", "\xfe"}}, false, &out));
  req.method = "G\x80T";
  EXPECT_FALSE(EncodeHttpTrigger("req", req, {}, true, &out));
  req.method = "GET";
  req.base_url = "http://\xff";
  EXPECT_FALSE(EncodeHttpTrigger("req", req, {}, true, &out));
  req.base_url = "http://h";
  for (size_t i = 0; i <= kMaxWireHeaders; ++i) req.headers.emplace_back("X-" + std::to_string(i), "v");
  EXPECT_FALSE(EncodeHttpTrigger("req", req, {}, true, &out));
  EXPECT_EQ(out, "untouched");
  req.headers.pop_back();
  ExpectSame("req", req, {});
}

// Many requests made at random from pieces that matter: names differing only
// in case, repeats, empty values, binary bodies, query and route parameters.
TEST(RpcHttpWire, RandomRequestsParseToWhatTheMessagePathBuilds) {
  std::mt19937 rng(12345);
  auto pick = [&](std::initializer_list<const char*> v) {
    return std::string(v.begin()[rng() % v.size()]);
  };
  for (int n = 0; n < 500; ++n) {
    HttpRequest req;
    req.method = pick({"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", ""});
    std::string target = "/api/" + pick({"a", "b/c", "caf%C3%A9", ""});
    int queries = static_cast<int>(rng() % 4);
    for (int i = 0; i < queries; ++i)
      target += (i ? "&" : "?") + pick({"a", "A", "b", "x y", "%E2%82%AC"}) + "=" +
                pick({"1", "", "two", "%20", "caf%C3%A9"});
    req.SetTarget(target);
    req.base_url = pick({"http://localhost:7071", "https://example.com", ""});
    int headers = static_cast<int>(rng() % 12);
    for (int i = 0; i < headers; ++i)
      req.headers.emplace_back(pick({"Accept", "accept", "ACCEPT", "X-A", "x-a", "Cookie",
                                     "traceparent", "Content-Type", "X-Long-Header-Name"}),
                               pick({"", "v", "a, b", "text/html; q=0.9", "caf\xc3\xa9"}));
    size_t body = rng() % 3 == 0 ? 0 : rng() % 300;
    for (size_t i = 0; i < body; ++i) req.body.push_back(static_cast<char>(rng() & 0xff));
    std::map<std::string, std::string> params;
    int count = static_cast<int>(rng() % 3);
    for (int i = 0; i < count; ++i) params[pick({"id", "name", "rest"})] = pick({"1", "", "x/y"});
    ExpectSame(pick({"req", "request", ""}), req, params, rng() % 8 != 0);
  }
}

// The whole StreamingMessage the host sends for an HTTP invocation, both
// ways: the generic one (BuildRpcHttp and the InvocationRequest message, as
// the invoker built it before the wire path) and the wire one (the trigger's
// bytes inside EncodeInvocation), with trace and retry context.
TEST(RpcHttpWire, WholeInvocationEqualsTheMessagePath) {
  const std::string tp = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  for (bool traced : {false, true}) {
    for (bool retried : {false, true}) {
      HttpRequest req = Request("POST", "/api/orders/7?x=1");
      req.headers = {{"Content-Type", "application/json"}, {"X-Dup", "1"}, {"x-dup", "2"}};
      if (traced) req.headers.emplace_back("traceparent", tp);
      req.body = "{\"n\": 1}";
      const std::map<std::string, std::string> params = {{"id", "7"}};

      rpc::RpcTraceContext trace;
      HttpTraceContext(req, "orders", &trace);
      rpc::RetryContext retry;
      if (retried) {
        retry.set_retry_count(2);
        retry.set_max_retry_count(5);
        retry.mutable_exception()->set_message("boom");
      }

      rpc::StreamingMessage generic;
      generic.set_request_id("inv-1");
      rpc::InvocationRequest* r = generic.mutable_invocation_request();
      r->set_invocation_id("inv-1");
      r->set_function_id("fid");
      *r->add_input_data() = Reference("req", req, params, true);
      *r->mutable_trace_context() = trace;
      *r->mutable_retry_context() = retry;

      std::string trigger;
      ASSERT_TRUE(EncodeHttpTrigger("req", req, params, true, &trigger));
      InvocationParts parts;
      parts.invocation_id = "inv-1";
      parts.function_id = "fid";
      parts.trigger = trigger;
      parts.trace_context = &trace;
      parts.trace_parent = trace.trace_parent();
      parts.retry_context = &retry;
      grpc::Slice bytes = EncodeInvocation(parts);
      rpc::StreamingMessage wire;
      ASSERT_TRUE(wire.ParseFromArray(bytes.begin(), static_cast<int>(bytes.size())));

      MessageDifferencer md;
      std::string diff;
      md.ReportDifferencesToString(&diff);
      EXPECT_TRUE(md.Compare(generic, wire)) << diff;
      if (traced)  // the caller's trace goes on
        EXPECT_EQ(wire.invocation_request().trace_context().trace_parent().substr(0, 35),
                  tp.substr(0, 35));
    }
  }
}

}  // namespace
}  // namespace pyfn
