#include "host/http/route.h"

#include <gtest/gtest.h>

namespace pyfn {
namespace {

using Params = std::map<std::string, std::string>;

bool M(const std::string& tmpl, const std::string& path, Params* p = nullptr) {
  RouteTemplate t;
  Status s = RouteTemplate::Parse(tmpl, &t);
  EXPECT_TRUE(s.ok()) << s.ToString();
  Params local;
  return t.Match(SplitPath(path), p ? p : &local);
}

TEST(RouteTemplate, LiteralsAreCaseInsensitive) {
  EXPECT_TRUE(M("api/Hello", "/api/hello"));
  EXPECT_TRUE(M("api/hello", "/API/HELLO"));
  EXPECT_FALSE(M("api/hello", "/api/hello2"));
  EXPECT_FALSE(M("api/hello", "/api"));
  EXPECT_FALSE(M("api/hello", "/api/hello/x"));
}

TEST(RouteTemplate, TrailingSlashIgnored) {
  EXPECT_TRUE(M("api/hello", "/api/hello/"));
  EXPECT_TRUE(M("/api/hello/", "/api/hello"));
}

TEST(RouteTemplate, Parameter) {
  Params p;
  EXPECT_TRUE(M("api/items/{id}", "/api/items/42", &p));
  EXPECT_EQ(p["id"], "42");
  EXPECT_FALSE(M("api/items/{id}", "/api/items"));
  EXPECT_TRUE(M("api/items/{id}", "/api/items/a%20b", &p));
  EXPECT_EQ(p["id"], "a b");
}

TEST(RouteTemplate, OptionalParameter) {
  Params p;
  EXPECT_TRUE(M("products/{category:alpha}/{id:int?}", "/products/shoes", &p));
  EXPECT_EQ(p.count("id"), 0u);
  EXPECT_EQ(p["category"], "shoes");
  EXPECT_TRUE(M("products/{category:alpha}/{id:int?}", "/products/shoes/7", &p));
  EXPECT_EQ(p["id"], "7");
  EXPECT_FALSE(M("products/{category:alpha}/{id:int?}", "/products/shoes/x"));
  EXPECT_FALSE(M("products/{category:alpha}/{id:int?}", "/products/sh0es"));
}

TEST(RouteTemplate, DefaultValue) {
  Params p;
  EXPECT_TRUE(M("greet/{name=world}", "/greet", &p));
  EXPECT_EQ(p["name"], "world");
  EXPECT_TRUE(M("greet/{name=world}", "/greet/bob", &p));
  EXPECT_EQ(p["name"], "bob");
}

TEST(RouteTemplate, CatchAll) {
  Params p;
  EXPECT_TRUE(M("files/{*rest}", "/files/a/b/c.txt", &p));
  EXPECT_EQ(p["rest"], "a/b/c.txt");
  EXPECT_TRUE(M("files/{**rest}", "/files", &p));
  EXPECT_EQ(p.count("rest"), 0u);
  EXPECT_TRUE(M("{*route}", "/anything/at/all", &p));
  EXPECT_EQ(p["route"], "anything/at/all");
}

TEST(RouteTemplate, ParseErrors) {
  RouteTemplate t;
  EXPECT_FALSE(RouteTemplate::Parse("a/{*rest}/b", &t).ok());
  EXPECT_FALSE(RouteTemplate::Parse("a/{id", &t).ok());
  EXPECT_FALSE(RouteTemplate::Parse("a/{}", &t).ok());
  EXPECT_FALSE(RouteTemplate::Parse("a/{id:nosuch}", &t).ok());
  EXPECT_FALSE(RouteTemplate::Parse("a/{id}/{ID}", &t).ok());
  EXPECT_FALSE(RouteTemplate::Parse("a/x{id}", &t).ok());
  EXPECT_FALSE(RouteTemplate::Parse("a//b", &t).ok());
  EXPECT_FALSE(RouteTemplate::Parse("a/{id:min(x)}", &t).ok());
  EXPECT_FALSE(RouteTemplate::Parse("a/{id:regex([)}", &t).ok());
  EXPECT_TRUE(RouteTemplate::Parse("", &t).ok());
}

struct ConstraintCase {
  const char* constraint;
  const char* value;
  bool ok;
};

class ConstraintTest : public ::testing::TestWithParam<ConstraintCase> {};

TEST_P(ConstraintTest, Accepts) {
  const auto& c = GetParam();
  std::unique_ptr<RouteConstraint> rc;
  Status s = MakeRouteConstraint(c.constraint, &rc);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(rc->Accepts(c.value), c.ok) << c.constraint << " on '" << c.value << "'";
}

INSTANTIATE_TEST_SUITE_P(
    All, ConstraintTest,
    ::testing::Values(
        ConstraintCase{"int", "123", true}, ConstraintCase{"int", "-5", true},
        ConstraintCase{"int", "2147483648", false}, ConstraintCase{"int", "1.5", false},
        ConstraintCase{"int", "abc", false}, ConstraintCase{"int", "", false},
        ConstraintCase{"long", "2147483648", true},
        ConstraintCase{"long", "99999999999999999999", false},
        ConstraintCase{"bool", "TRUE", true}, ConstraintCase{"bool", "false", true},
        ConstraintCase{"bool", "yes", false}, ConstraintCase{"double", "1.5", true},
        ConstraintCase{"double", "-1e10", true}, ConstraintCase{"double", "nan", false},
        ConstraintCase{"float", ".5", true}, ConstraintCase{"decimal", "10", true},
        ConstraintCase{"decimal", "1,5", false},
        ConstraintCase{"guid", "CD2C1638-1638-72D5-1638-DEADBEEF1638", true},
        ConstraintCase{"guid", "cd2c1638163872d51638deadbeef1638", true},
        ConstraintCase{"guid", "{cd2c1638-1638-72d5-1638-deadbeef1638}", true},
        ConstraintCase{"guid", "cd2c1638-1638-72d5-1638", false},
        ConstraintCase{"datetime", "2016-12-31", true},
        ConstraintCase{"datetime", "2016-12-31T07:32:00Z", true},
        ConstraintCase{"datetime", "2016-13-31", false},
        ConstraintCase{"datetime", "yesterday", false}, ConstraintCase{"alpha", "Rick", true},
        ConstraintCase{"alpha", "R1ck", false}, ConstraintCase{"alpha", "", false},
        ConstraintCase{"minlength(4)", "Rick", true}, ConstraintCase{"minlength(4)", "Ric", false},
        ConstraintCase{"maxlength(4)", "Rick", true},
        ConstraintCase{"maxlength(4)", "Ricky", false},
        ConstraintCase{"length(4)", "Rick", true}, ConstraintCase{"length(4)", "Ri", false},
        ConstraintCase{"length(2,4)", "Ric", true}, ConstraintCase{"length(2,4)", "R", false},
        ConstraintCase{"min(18)", "18", true}, ConstraintCase{"min(18)", "17", false},
        ConstraintCase{"min(18)", "x", false}, ConstraintCase{"max(120)", "120", true},
        ConstraintCase{"max(120)", "121", false}, ConstraintCase{"range(18,120)", "50", true},
        ConstraintCase{"range(18, 120)", "12", false},
        ConstraintCase{"regex(^\\d{3}-\\d{4}$)", "555-1234", true},
        ConstraintCase{"regex(^\\d{3}-\\d{4}$)", "5555-1234", false},
        ConstraintCase{"regex(abc)", "xxABCxx", true}, ConstraintCase{"REGEX(^a+$)", "aaa", true}));

TEST(RouteTemplate, CombinedConstraints) {
  EXPECT_TRUE(M("items/{id:int:min(1)}", "/items/5"));
  EXPECT_FALSE(M("items/{id:int:min(1)}", "/items/0"));
  EXPECT_FALSE(M("items/{id:int:min(1)}", "/items/x"));
  EXPECT_TRUE(M("items/{id:int:range(1,10)?}", "/items"));
}

TEST(RouteTemplate, RegexWithEscapedBraces) {
  Params p;
  EXPECT_TRUE(M("zip/{code:regex(^\\d{{5}}$)}", "/zip/12345", &p));
  EXPECT_EQ(p["code"], "12345");
  EXPECT_FALSE(M("zip/{code:regex(^\\d{{5}}$)}", "/zip/1234"));
  EXPECT_TRUE(M("p/{x:regex(^a/b$)}", "/p/a%2Fb"));
}

TEST(RouteTable, MostSpecificWins) {
  RouteTable t;
  ASSERT_TRUE(t.Add("api/{*rest}", {}, "catchall").ok());
  ASSERT_TRUE(t.Add("api/items/{id}", {}, "param").ok());
  ASSERT_TRUE(t.Add("api/items/{id:int}", {}, "int").ok());
  ASSERT_TRUE(t.Add("api/items/new", {}, "literal").ok());
  RouteTable::MatchResult r;
  ASSERT_TRUE(t.Match("GET", "/api/items/new", &r));
  EXPECT_EQ(r.entry->target, "literal");
  ASSERT_TRUE(t.Match("GET", "/api/items/5", &r));
  EXPECT_EQ(r.entry->target, "int");
  EXPECT_EQ(r.params["id"], "5");
  ASSERT_TRUE(t.Match("GET", "/api/items/abc", &r));
  EXPECT_EQ(r.entry->target, "param");
  ASSERT_TRUE(t.Match("GET", "/api/other/x", &r));
  EXPECT_EQ(r.entry->target, "catchall");
  EXPECT_EQ(r.params["rest"], "other/x");
  EXPECT_FALSE(t.Match("GET", "/nope", &r));
}

TEST(RouteTable, MethodFilter) {
  RouteTable t;
  ASSERT_TRUE(t.Add("api/x", {"get", "Post"}, "x").ok());
  ASSERT_TRUE(t.Add("api/{*rest}", {"DELETE"}, "del").ok());
  RouteTable::MatchResult r;
  EXPECT_TRUE(t.Match("GET", "/api/x", &r));
  EXPECT_TRUE(t.Match("post", "/api/x", &r));
  ASSERT_TRUE(t.Match("DELETE", "/api/x", &r));
  EXPECT_EQ(r.entry->target, "del");
  EXPECT_FALSE(t.Match("PUT", "/api/x", &r));  // 404, not 405
}

TEST(RouteTable, EmptyPrefixRoot) {
  RouteTable t;
  ASSERT_TRUE(t.Add("", {}, "root").ok());
  RouteTable::MatchResult r;
  EXPECT_TRUE(t.Match("GET", "/", &r));
  EXPECT_FALSE(t.Match("GET", "/x", &r));
}


TEST(SplitPath, Basics) {
  EXPECT_EQ(SplitPath("/"), std::vector<std::string>{});
  EXPECT_EQ(SplitPath("/a/b/"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(SplitPath("/a//b"), (std::vector<std::string>{"a", "", "b"}));
}

}  // namespace
}  // namespace pyfn
