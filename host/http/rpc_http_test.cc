#include "host/http/rpc_http.h"

#include <gtest/gtest.h>

#include "host/app/app_loader.h"

namespace pyfn {
namespace {

std::string Header(const HttpResponse& r, const std::string& name) {
  for (const auto& h : r.headers)
    if (h.first == name) return h.second;
  return "<none>";
}

TEST(RpcHttp, FromRequest) {
  HttpRequest req;
  req.method = "POST";
  req.SetTarget("/api/items/5?name=x&name=y");
  req.base_url = "http://localhost:7071";
  req.headers = {{"Content-Type", "application/json"}, {"X-Multi", "a"}, {"x-multi", "b"}};
  req.body = std::string("{\"a\":1}\0x", 9);
  rpc::RpcHttp http;
  BuildRpcHttp(req, {{"id", "5"}}, &http);
  EXPECT_EQ(http.method(), "POST");
  EXPECT_EQ(http.url(), "http://localhost:7071/api/items/5?name=x&name=y");
  EXPECT_EQ(http.headers().at("content-type"), "application/json");
  EXPECT_EQ(http.headers().at("x-multi"), "a, b");
  EXPECT_EQ(http.query().at("name"), "x,y");
  EXPECT_EQ(http.params().at("id"), "5");
  ASSERT_EQ(http.body().data_case(), rpc::TypedData::kBytes);
  EXPECT_EQ(http.body().bytes(), req.body);
}

// Whatever bytes a client sends, every string field of the RpcHttp is UTF-8,
// so the InvocationRequest it goes into parses on the worker's side. Per field:
// escapes that are not UTF-8 stay escaped (query, route params), raw bytes
// become U+FFFD (the front door answers 400 before that for targets/headers).
TEST(RpcHttp, EveryStringFieldIsUtf8WhateverTheClientSent) {
  const std::string r = "\xEF\xBF\xBD";
  HttpRequest req;
  req.method = "GET";
  req.SetTarget("/api/hello?name=%FF&na\xFFme=1&ok=%C3%A9");
  req.base_url = "http://h\xFE";
  req.headers = {{"X-Bad", "\xFF"}, {"Cookie", "a=\xFF"}, {"X-\xC0", "v"}};
  req.body = "\xFF\xFE";
  rpc::RpcHttp http;
  BuildRpcHttp(req, {{"id", "%FF"}, {"raw", "\xFF"}}, &http);
  EXPECT_EQ(http.query().at("name"), "%FF");
  EXPECT_EQ(http.query().at("na" + r + "me"), "1");
  EXPECT_EQ(http.query().at("ok"), "\xC3\xA9");
  EXPECT_EQ(http.headers().at("x-bad"), r);
  EXPECT_EQ(http.headers().at("cookie"), "a=" + r);
  EXPECT_EQ(http.params().at("id"), "%FF");
  EXPECT_EQ(http.params().at("raw"), r);
  EXPECT_EQ(http.url(), "http://h" + r + "/api/hello?name=%FF&na" + r + "me=1&ok=%C3%A9");
  EXPECT_EQ(http.body().bytes(), req.body);  // bytes field: passed as is
  rpc::StreamingMessage m;
  auto* in = m.mutable_invocation_request()->add_input_data();
  *in->mutable_data()->mutable_http() = http;
  rpc::StreamingMessage back;
  EXPECT_TRUE(back.ParseFromString(m.SerializeAsString()));
}

TEST(RpcHttp, EmptyBodyIsStillBytes) {
  HttpRequest req;
  req.method = "GET";
  req.SetTarget("/");
  rpc::RpcHttp http;
  BuildRpcHttp(req, {}, &http);
  EXPECT_EQ(http.body().data_case(), rpc::TypedData::kBytes);
}

TEST(RpcHttp, ToResponse) {
  rpc::RpcHttp http;
  http.set_status_code("201");
  (*http.mutable_headers())["X-Thing"] = "v\r\nInjected: 1";
  (*http.mutable_headers())["Content-Length"] = "999";
  http.mutable_body()->set_string("hello");
  HttpResponse r;
  ASSERT_TRUE(HttpResponseFromRpc(http, &r).ok());
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.body, "hello");
  EXPECT_EQ(Header(r, "X-Thing"), "vInjected: 1");
  EXPECT_EQ(Header(r, "Content-Length"), "<none>");
  EXPECT_EQ(Header(r, "Content-Type"), "text/plain; charset=utf-8");
}

TEST(RpcHttp, BytesBodyKeepsContentType) {
  rpc::RpcHttp http;
  (*http.mutable_headers())["content-type"] = "image/png";
  http.mutable_body()->set_bytes(std::string("\x89PNG\0", 5));
  HttpResponse r;
  ASSERT_TRUE(HttpResponseFromRpc(http, &r).ok());
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body.size(), 5u);
  EXPECT_EQ(Header(r, "content-type"), "image/png");
  EXPECT_EQ(Header(r, "Content-Type"), "<none>");
  rpc::RpcHttp b;
  b.mutable_body()->set_bytes("x");
  ASSERT_TRUE(HttpResponseFromRpc(b, &r).ok());
  EXPECT_EQ(Header(r, "Content-Type"), "application/octet-stream");
}

TEST(RpcHttp, BadStatus) {
  rpc::RpcHttp http;
  HttpResponse r;
  http.set_status_code("abc");
  EXPECT_FALSE(HttpResponseFromRpc(http, &r).ok());
  http.set_status_code("42");
  EXPECT_FALSE(HttpResponseFromRpc(http, &r).ok());
}

TEST(RpcHttp, CookiesAreSeparateLines) {
  rpc::RpcHttp http;
  auto* c = http.add_cookies();
  c->set_name("a");
  c->set_value("1");
  c->mutable_path()->set_value("/");
  c->mutable_http_only()->set_value(true);
  c->mutable_secure()->set_value(true);
  c->set_same_site(rpc::RpcHttpCookie::Lax);
  c->mutable_max_age()->set_value(60);
  c->mutable_expires()->mutable_value()->set_seconds(0);
  auto* d = http.add_cookies();
  d->set_name("b");
  d->set_value("2");
  HttpResponse r;
  ASSERT_TRUE(HttpResponseFromRpc(http, &r).ok());
  std::vector<std::string> cookies;
  for (const auto& h : r.headers)
    if (h.first == "Set-Cookie") cookies.push_back(h.second);
  ASSERT_EQ(cookies.size(), 2u);
  EXPECT_EQ(cookies[0],
            "a=1; expires=Thu, 01 Jan 1970 00:00:00 GMT; max-age=60; path=/; secure; "
            "samesite=lax; httponly");
  EXPECT_EQ(cookies[1], "b=2");
}

FunctionSpec Fn(const char* out_name) {
  FunctionSpec fn;
  std::string j = std::string(R"({"bindings": [{"type": "httpTrigger", "direction": "in",
      "name": "req"}, {"type": "http", "direction": "out", "name": ")") + out_name + "\"}]}";
  EXPECT_TRUE(ParseFunctionJson("f", "/a/f", j, &fn).ok());
  return fn;
}

TEST(Invocation, ReturnValue) {
  rpc::InvocationResponse resp;
  resp.mutable_return_value()->mutable_http()->set_status_code("202");
  HttpResponse r;
  ASSERT_TRUE(HttpResponseFromInvocation(Fn("$return"), resp, &r).ok());
  EXPECT_EQ(r.status, 202);
}

TEST(Invocation, NamedOutput) {
  rpc::InvocationResponse resp;
  auto* pb = resp.add_output_data();
  pb->set_name("res");
  pb->mutable_data()->mutable_http()->set_status_code("418");
  HttpResponse r;
  ASSERT_TRUE(HttpResponseFromInvocation(Fn("res"), resp, &r).ok());
  EXPECT_EQ(r.status, 418);
}

TEST(Invocation, UnsetIs204) {
  rpc::InvocationResponse resp;
  HttpResponse r;
  ASSERT_TRUE(HttpResponseFromInvocation(Fn("$return"), resp, &r).ok());
  EXPECT_EQ(r.status, 204);
  EXPECT_TRUE(r.body.empty());
}

TEST(Invocation, PlainStringReturn) {
  rpc::InvocationResponse resp;
  resp.mutable_return_value()->set_string("hi");
  HttpResponse r;
  ASSERT_TRUE(HttpResponseFromInvocation(Fn("$return"), resp, &r).ok());
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "hi");
}

}  // namespace
}  // namespace pyfn
