#include "host/http/http_message.h"

#include <gtest/gtest.h>

namespace pyfn {
namespace {

TEST(Query, Parse) {
  auto q = ParseQuery("name=x&a=1&a=2&b=hello+world&c=%26&flag&=v");
  EXPECT_EQ(q["name"], "x");
  EXPECT_EQ(q["a"], "1,2");
  EXPECT_EQ(q["b"], "hello world");
  EXPECT_EQ(q["c"], "&");
  EXPECT_EQ(q["flag"], "");
  EXPECT_TRUE(ParseQuery("").empty());
}

TEST(SplitTarget, PathAndQuery) {
  std::string p, q;
  SplitTarget("/api/x?y=1", &p, &q);
  EXPECT_EQ(p, "/api/x");
  EXPECT_EQ(q, "y=1");
  SplitTarget("/api/x", &p, &q);
  EXPECT_EQ(q, "");
}

TEST(HttpMessage, SetTargetSplitsOnce) {
  HttpRequest r;
  r.SetTarget("/api/Items/5?name=a&name=b&x=%C3%A9#frag");
  EXPECT_EQ(r.target, "/api/Items/5?name=a&name=b&x=%C3%A9#frag");
  EXPECT_EQ(r.path, "/api/Items/5");
  EXPECT_EQ(r.query, "name=a&name=b&x=%C3%A9");
  EXPECT_EQ(r.query_params.at("name"), "a,b");
  EXPECT_EQ(r.query_params.at("x"), "\xC3\xA9");
  r.SetTarget("/");
  EXPECT_EQ(r.path, "/");
  EXPECT_TRUE(r.query.empty());
  EXPECT_TRUE(r.query_params.empty());
}

TEST(HttpMessage, HeaderIgnoresCaseAndTakesTheFirst) {
  HttpRequest r;
  r.headers = {{"X-Functions-Key", "k1"}, {"x-functions-key", "k2"}, {"Origin", "o"}};
  EXPECT_EQ(r.Header("x-functions-key"), "k1");
  EXPECT_EQ(r.Header("origin"), "o");
  EXPECT_EQ(r.Header("origi"), "");
  EXPECT_EQ(r.Header("missing"), "");
}

}  // namespace
}  // namespace pyfn
