#include "host/storage/binding_expression.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "host/storage/encoding.h"

namespace pyfn {
namespace storage {
namespace {

BuiltinSources Pinned() {
  BuiltinSources s;
  // 2024-02-29T13:04:05.678Z
  s.now_millis = [] {
    return (DaysFromCivil(2024, 2, 29) * 86400 + 13 * 3600 + 4 * 60 + 5) * 1000 + 678;
  };
  s.new_guid = [] { return std::string("0f8fad5b-d9cb-469f-a165-70867728950e"); };
  return s;
}

std::string Resolve(const std::string& text, const BindingData& data) {
  std::string out;
  Status s = ResolveBindingExpression(text, data, &out, Pinned());
  return s.ok() ? out : "error: " + s.message();
}

TEST(BindingExpressionTest, RouteQueryAndTriggerMetadata) {
  BindingData d;
  d.Set("id", "42");
  d.Set("queueTrigger", "hello");
  d.Set("name", "report");
  EXPECT_EQ(Resolve("samples/{id}.txt", d), "samples/42.txt");
  EXPECT_EQ(Resolve("out/{QueueTrigger}-{NAME}", d), "out/hello-report");
  EXPECT_EQ(Resolve("no-expressions", d), "no-expressions");
}

TEST(BindingExpressionTest, JsonBodyFieldsAndDottedPaths) {
  BindingData d;
  d.AddJson(nlohmann::json::parse(
      R"({"id": 7, "customer": {"Name": "ann", "vip": true}, "tags": ["a"], "none": null})"));
  EXPECT_EQ(Resolve("{id}", d), "7");
  EXPECT_EQ(Resolve("{customer.name}", d), "ann");
  EXPECT_EQ(Resolve("{customer.vip}", d), "true");
  EXPECT_EQ(Resolve("{tags}", d), "[\"a\"]");
  EXPECT_NE(Resolve("{none}", d).find("error"), std::string::npos);
  EXPECT_NE(Resolve("{customer.missing}", d).find("error"), std::string::npos);
}

TEST(BindingExpressionTest, PlainValuesWinAndJsonInAValueIsNavigable) {
  BindingData d;
  d.AddJson(nlohmann::json::parse(R"({"id": "from-body"})"));
  d.Set("id", "from-route");
  d.Set("queueTrigger", R"({"order": {"id": "o-1"}})");
  EXPECT_EQ(Resolve("{id}", d), "from-route");
  EXPECT_EQ(Resolve("{queueTrigger.order.id}", d), "o-1");
}

TEST(BindingExpressionTest, Builtins) {
  BindingData d;
  EXPECT_EQ(Resolve("x/{rand-guid}", d), "x/0f8fad5b-d9cb-469f-a165-70867728950e");
  EXPECT_EQ(Resolve("{rand-guid:N}", d), "0f8fad5bd9cb469fa16570867728950e");
  EXPECT_EQ(Resolve("{sys.randguid}", d), "0f8fad5b-d9cb-469f-a165-70867728950e");
  EXPECT_EQ(Resolve("logs/{DateTime}.log", d), "logs/2024-02-29T13-04-05Z.log");
  EXPECT_EQ(Resolve("{DateTime:yyyy/MM/dd/HH}", d), "2024/02/29/13");
  EXPECT_EQ(Resolve("{datetime:yyyyMMdd-hhmmss.fff tt}", d), "20240229-010405.678 PM");
  EXPECT_EQ(Resolve("{sys.utcnow}", d), "2024-02-29T13:04:05.678Z");
}

TEST(BindingExpressionTest, EscapedBraces) {
  BindingData d;
  d.Set("a", "1");
  EXPECT_EQ(Resolve("{{literal}}-{a}", d), "{literal}-1");
}

TEST(BindingExpressionTest, UnresolvableNamesTheExpression) {
  BindingData d;
  std::string out;
  Status s = ResolveBindingExpression("samples/{missing}.txt", d, &out, Pinned());
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_EQ(s.message(),
            "binding expression '{missing}' in 'samples/{missing}.txt' cannot be resolved");
  EXPECT_FALSE(ResolveBindingExpression("a{b", d, &out).ok());
  EXPECT_FALSE(ResolveBindingExpression("a}b", d, &out).ok());
  EXPECT_FALSE(ResolveBindingExpression("a{}b", d, &out).ok());
}

TEST(BindingExpressionTest, Parameters) {
  std::vector<std::string> names;
  ASSERT_TRUE(BindingParameters("c/{name}-{rand-guid}.{ext}", &names).ok());
  EXPECT_EQ(names, (std::vector<std::string>{"name", "rand-guid", "ext"}));
}

TEST(AppSettingTest, ResolvesFromLookup) {
  SettingLookup lookup = [](const std::string& n, std::string* v) {
    if (n == "InputQueue") {
      *v = "orders";
      return true;
    }
    return false;
  };
  std::string out;
  ASSERT_TRUE(ResolveAppSettings("%InputQueue%-poison", lookup, &out).ok());
  EXPECT_EQ(out, "orders-poison");
  ASSERT_TRUE(ResolveAppSettings("100%%", lookup, &out).ok());
  EXPECT_EQ(out, "100%");
  Status s = ResolveAppSettings("%Nope%", lookup, &out);
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_EQ(s.message(), "app setting 'Nope' (used in '%Nope%') is not set");
  EXPECT_FALSE(ResolveAppSettings("%open", lookup, &out).ok());
}

TEST(AppSettingTest, EnvironmentLookup) {
  setenv("PYFN_TEST_SETTING", "value-1", 1);
  std::string out;
  ASSERT_TRUE(ResolveAppSettings("x/%PYFN_TEST_SETTING%", EnvironmentLookup(), &out).ok());
  EXPECT_EQ(out, "x/value-1");
  unsetenv("PYFN_TEST_SETTING");
}

}  // namespace
}  // namespace storage
}  // namespace pyfn
