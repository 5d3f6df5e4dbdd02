#include "host/app/app_index.h"

#include <gtest/gtest.h>

#include "host/app/app_loader.h"

namespace pyfn {
namespace {

using ojson = nlohmann::ordered_json;

FunctionSpec FromJson(const std::string& name, const std::string& text) {
  FunctionSpec f;
  Status s = ParseFunctionJson(name, "/app/" + name, text, &f);
  if (!s.ok()) f.load_status = Status::InvalidArgument("/app/" + name + "/function.json: " + s.message());
  return f;
}

FunctionSpec FromWorker(const std::string& name, const std::vector<std::string>& raw) {
  FunctionSpec f;
  f.name = name;
  f.worker_indexed = true;
  EXPECT_TRUE(ParseRawBindings(raw, &f).ok());
  return f;
}

HostConfig Config(const std::string& text) {
  HostConfig c;
  EXPECT_TRUE(ParseHostConfig(text, &c).ok());
  return c;
}

TEST(AppIndex, HttpTriggerDefaults) {
  FunctionRegistry reg("api");
  reg.Replace({FromJson("hello", R"({"bindings": [
      {"authLevel": "FUNCTION", "type": "httpTrigger", "direction": "in", "name": "req",
       "methods": ["get", "Post"]},
      {"type": "http", "direction": "out", "name": "$return"}]})"),
               FromJson("items", R"({"bindings": [
      {"type": "httpTrigger", "direction": "in", "name": "req", "route": "items/{id:int}"}]})")});
  ojson idx = BuildAppIndex("/app", Config(R"({"version": "2.0"})"), *reg.Get());
  EXPECT_EQ(idx["scriptRoot"], "/app");
  EXPECT_EQ(idx["routePrefix"], "api");
  EXPECT_EQ(idx["hostJson"], ojson::parse(R"({"version": "2.0"})"));
  ASSERT_EQ(idx["functions"].size(), 2u);
  const ojson& hello = idx["functions"][0];
  EXPECT_EQ(hello["name"], "hello");
  EXPECT_EQ(hello["loaded"], true);
  EXPECT_EQ(hello["error"], "");
  EXPECT_EQ(hello["disabled"], false);
  // Raw trigger, in the file's key order, plus route (default the name),
  // methods upper-cased, authLevel lower-cased.
  EXPECT_EQ(hello["trigger"].dump(),
            R"({"authLevel":"function","type":"httpTrigger","direction":"in","name":"req",)"
            R"("methods":["GET","POST"],"route":"hello"})");
  // Bindings exactly as written.
  EXPECT_EQ(hello["bindings"][0]["authLevel"], "FUNCTION");
  EXPECT_EQ(hello["bindings"][0]["methods"], ojson::parse(R"(["get", "Post"])"));
  EXPECT_EQ(hello["bindings"].size(), 2u);
  const ojson& items = idx["functions"][1];
  EXPECT_EQ(items["trigger"]["route"], "items/{id:int}");
  EXPECT_EQ(items["trigger"]["methods"], ojson::array());  // all methods
  EXPECT_EQ(items["trigger"]["authLevel"], "function");    // Azure's default
}

TEST(AppIndex, StorageTriggersGetTheDefaultConnection) {
  FunctionRegistry reg("");
  reg.Replace({FromWorker("q", {R"({"direction": "IN", "type": "queueTrigger", "name": "msg", "queueName": "orders"})"}),
               FromWorker("b", {R"({"direction": "IN", "type": "blobTrigger", "name": "b", "path": "c/{n}", "connection": "Other"})"}),
               FromWorker("t", {R"({"direction": "IN", "type": "timerTrigger", "name": "t", "schedule": "0 * * * * *"})"})});
  ojson idx = BuildAppIndex("/app", Config(R"({"version": "2.0"})"), *reg.Get());
  EXPECT_EQ(idx["routePrefix"], "");
  // Sorted by name.
  EXPECT_EQ(idx["functions"][0]["name"], "b");
  EXPECT_EQ(idx["functions"][1]["name"], "q");
  EXPECT_EQ(idx["functions"][2]["name"], "t");
  EXPECT_EQ(idx["functions"][0]["trigger"]["connection"], "Other");
  EXPECT_EQ(idx["functions"][1]["trigger"]["connection"], "AzureWebJobsStorage");
  EXPECT_EQ(idx["functions"][1]["trigger"]["direction"], "IN");  // as given
  EXPECT_FALSE(idx["functions"][2]["trigger"].contains("connection"));
  EXPECT_EQ(idx["functions"][1]["bindings"][0].dump(),
            R"({"direction":"IN","type":"queueTrigger","name":"msg","queueName":"orders"})");
}

TEST(AppIndex, FailuresAndSelection) {
  HostConfig c = Config(R"({"version": "2.0", "functions": ["bad", "Good", "gone", "later"]})");
  FunctionRegistry reg("api", c.functions);
  reg.Replace({FromJson("bad", "{ not json"),
               FromJson("good", R"({"bindings": [{"type": "httpTrigger", "direction": "in", "name": "r"}]})"),
               FromJson("later", R"({"bindings": [{"type": "queueTrigger", "direction": "in", "name": "m", "queueName": "q"}]})"),
               FromJson("unselected", R"({"bindings": [{"type": "httpTrigger", "direction": "in", "name": "r"}]})")});
  // The worker could not load "later".
  ASSERT_TRUE(reg.SetLoadFailure("later", Status::InvalidArgument("/app/later/__init__.py: no main")));
  ojson idx = BuildAppIndex("/app", c, *reg.Get());
  ASSERT_EQ(idx["functions"].size(), 3u);  // "unselected" is not there
  const ojson& bad = idx["functions"][0];
  EXPECT_EQ(bad["name"], "bad");
  EXPECT_EQ(bad["loaded"], false);
  EXPECT_NE(bad["error"].get<std::string>().find("not valid JSON"), std::string::npos);
  EXPECT_TRUE(bad["trigger"].is_null());
  EXPECT_EQ(bad["bindings"], ojson::array());
  EXPECT_EQ(idx["functions"][1]["loaded"], true);
  const ojson& later = idx["functions"][2];
  EXPECT_EQ(later["loaded"], false);
  EXPECT_EQ(later["error"], "/app/later/__init__.py: no main");
  EXPECT_EQ(later["trigger"]["queueName"], "q");  // what could be read
  EXPECT_EQ(idx["hostJson"]["functions"].size(), 4u);
}

TEST(AppIndex, DisabledFunctionsAreListed) {
  FunctionRegistry reg("api");
  reg.Replace({FromJson("off", R"({"disabled": true, "bindings": [
      {"type": "httpTrigger", "direction": "in", "name": "r", "route": "x"}]})")});
  ojson idx = BuildAppIndex("/app", Config(R"({"version": "2.0"})"), *reg.Get());
  EXPECT_EQ(idx["functions"][0]["disabled"], true);
  EXPECT_EQ(idx["functions"][0]["trigger"]["route"], "x");
}

}  // namespace
}  // namespace pyfn
