#include "host/app/function_registry.h"

#include <gtest/gtest.h>

#include "host/app/app_loader.h"

namespace pyfn {
namespace {

FunctionSpec Http(const std::string& name) {
  FunctionSpec f;
  EXPECT_TRUE(ParseFunctionJson(name, "/app/" + name, R"({"bindings": [
      {"type": "httpTrigger", "direction": "in", "name": "req", "authLevel": "anonymous"},
      {"type": "http", "direction": "out", "name": "$return"}]})",
                                &f)
                  .ok());
  return f;
}

FunctionSpec Timer(const std::string& name) {
  FunctionSpec f;
  EXPECT_TRUE(ParseFunctionJson(name, "/app/" + name, R"({"bindings": [
      {"type": "timerTrigger", "direction": "in", "name": "t", "schedule": "* * * * * *"}]})",
                                &f)
                  .ok());
  return f;
}

TEST(FunctionSelection, NamesIgnoreCase) {
  EXPECT_TRUE(FunctionSelected({"Hello"}, "hello"));
  EXPECT_TRUE(FunctionSelected({"a", "HELLO"}, "Hello"));
  EXPECT_FALSE(FunctionSelected({"hello"}, "hello2"));
  EXPECT_FALSE(FunctionSelected({}, "hello"));
  EXPECT_EQ(UnmatchedSelection({"Hello", "nope", "t"}, {Http("hello"), Timer("t")}),
            std::vector<std::string>{"nope"});
}

TEST(FunctionSelection, RegistryKeepsOnlyTheSelectedFunctions) {
  FunctionRegistry reg("api", std::vector<std::string>{"Hello"});
  reg.Replace({Http("hello"), Http("other"), Timer("tick")});
  auto set = reg.Get();
  ASSERT_EQ(set->functions.size(), 1u);
  EXPECT_EQ(set->functions[0].name, "hello");
  EXPECT_EQ(reg.excluded(), (std::vector<std::string>{"other", "tick"}));
  RouteTable::MatchResult m;
  EXPECT_TRUE(set->routes.Match("GET", "/api/hello", &m));
  EXPECT_FALSE(set->routes.Match("GET", "/api/other", &m));  // not routed: 404
  EXPECT_EQ(set->Find("other"), nullptr);
  EXPECT_EQ(set->Find("tick"), nullptr);  // not triggered, not loaded
  // Worker indexing replaces the list: the selection applies again.
  reg.Replace({Http("other"), Http("HELLO")});
  set = reg.Get();
  ASSERT_EQ(set->functions.size(), 1u);
  EXPECT_EQ(set->functions[0].name, "HELLO");
  EXPECT_EQ(reg.excluded(), std::vector<std::string>{"other"});
}

TEST(FunctionSelection, NoSelectionKeepsEverything) {
  FunctionRegistry reg("api");
  reg.Replace({Http("a"), Timer("b")});
  EXPECT_EQ(reg.Get()->functions.size(), 2u);
  EXPECT_TRUE(reg.excluded().empty());
  EXPECT_FALSE(reg.selection());
}

}  // namespace
}  // namespace pyfn
