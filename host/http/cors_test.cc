#include "host/http/cors.h"

#include <gtest/gtest.h>

namespace pyfn {
namespace {

std::string H(const HttpResponse& r, const std::string& name) {
  for (const auto& h : r.headers)
    if (h.first == name) return h.second;
  return "<none>";
}

HttpRequest Req(const std::string& method, const std::string& origin) {
  HttpRequest r;
  r.method = method;
  if (!origin.empty()) r.headers.emplace_back("Origin", origin);
  return r;
}

TEST(CorsTest, ExactAndWildcardSubdomain) {
  CorsPolicy p({"https://a.example/", "https://*.b.example"}, false);
  EXPECT_TRUE(p.OriginAllowed("https://A.example"));
  EXPECT_TRUE(p.OriginAllowed("https://x.b.example"));
  EXPECT_FALSE(p.OriginAllowed("https://b.example"));
  EXPECT_FALSE(p.OriginAllowed("http://x.b.example"));
  EXPECT_FALSE(p.OriginAllowed("https://evil.example"));
  EXPECT_FALSE(p.OriginAllowed("https://a.example\r\nX: y"));
}

TEST(CorsTest, PreflightAndDecorate) {
  CorsPolicy p({"https://a.example"}, true);
  HttpRequest r = Req("OPTIONS", "https://a.example");
  r.headers.emplace_back("Access-Control-Request-Method", "PUT");
  HttpResponse out;
  ASSERT_TRUE(p.HandlePreflight(r, &out));
  EXPECT_EQ(out.status, 204);
  EXPECT_EQ(H(out, "Access-Control-Allow-Origin"), "https://a.example");
  EXPECT_EQ(H(out, "Access-Control-Allow-Methods"), "PUT");
  EXPECT_EQ(H(out, "Access-Control-Allow-Credentials"), "true");
  HttpResponse resp;
  resp.headers.emplace_back("Vary", "Accept");
  p.Decorate(Req("GET", "https://a.example"), &resp);
  EXPECT_EQ(H(resp, "Vary"), "Accept, Origin");
  EXPECT_EQ(H(resp, "Access-Control-Allow-Origin"), "https://a.example");
  EXPECT_FALSE(p.HandlePreflight(Req("OPTIONS", ""), &out));
}

TEST(CorsTest, WildcardWithoutCredentialsIsStar) {
  CorsPolicy p({"*"}, false);
  HttpResponse resp;
  p.Decorate(Req("GET", "https://z.example"), &resp);
  EXPECT_EQ(H(resp, "Access-Control-Allow-Origin"), "*");
  CorsPolicy c({"*"}, true);
  HttpResponse r2;
  c.Decorate(Req("GET", "https://z.example"), &r2);
  EXPECT_EQ(H(r2, "Access-Control-Allow-Origin"), "https://z.example");
  EXPECT_FALSE(CorsPolicy({}, false).enabled());
}

}  // namespace
}  // namespace pyfn
