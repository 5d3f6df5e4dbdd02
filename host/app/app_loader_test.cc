#include "host/app/app_loader.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

namespace pyfn {
namespace {
namespace fs = std::filesystem;

const char* kHttpFunction = R"({
  "scriptFile": "__init__.py",
  "bindings": [
    {"authLevel": "anonymous", "type": "httpTrigger", "direction": "in", "name": "req",
     "methods": ["get", "post"], "route": "items/{id:int?}"},
    {"type": "http", "direction": "out", "name": "$return"}
  ]
})";

TEST(FunctionJson, HttpFunction) {
  FunctionSpec fn;
  Status s = ParseFunctionJson("items", "/app/items", kHttpFunction, &fn);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(fn.script_file, "/app/items/__init__.py");
  EXPECT_EQ(fn.entry_point, "");
  ASSERT_TRUE(fn.http);
  EXPECT_EQ(fn.http->route, "items/{id:int?}");
  EXPECT_EQ(fn.http->methods, (std::vector<std::string>{"GET", "POST"}));
  EXPECT_EQ(fn.http->auth_level, "anonymous");
  ASSERT_NE(fn.trigger(), nullptr);
  EXPECT_EQ(fn.trigger()->name, "req");
  ASSERT_NE(fn.HttpOutput(), nullptr);
  EXPECT_EQ(fn.HttpOutput()->name, "$return");
  EXPECT_EQ(fn.raw_bindings.size(), 2u);
  EXPECT_EQ(fn.RouteTemplateWithPrefix("api"), "api/items/{id:int?}");
  EXPECT_EQ(fn.RouteTemplateWithPrefix(""), "items/{id:int?}");
}

TEST(FunctionJson, DefaultsAndScriptFile) {
  FunctionSpec fn;
  Status s = ParseFunctionJson("f", "/app/f", R"({"scriptFile": "../shared/main.py",
      "entryPoint": "run", "bindings": [{"type": "httpTrigger", "direction": "in",
      "name": "req"}]})", &fn);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(fn.script_file, "/app/shared/main.py");
  EXPECT_EQ(fn.entry_point, "run");
  EXPECT_EQ(fn.http->route, "f");  // default route = function name
  EXPECT_TRUE(fn.http->methods.empty());
  EXPECT_EQ(fn.http->auth_level, "function");
  EXPECT_EQ(fn.HttpOutput(), nullptr);
}

TEST(FunctionJson, Disabled) {
  FunctionSpec fn;
  ASSERT_TRUE(ParseFunctionJson("f", "/a/f", R"({"disabled": true, "bindings": [
      {"type": "timerTrigger", "direction": "in", "name": "t", "schedule": "0 * * * * *"}]})",
                                &fn)
                  .ok());
  EXPECT_TRUE(fn.disabled);
  EXPECT_FALSE(fn.http);
  EXPECT_EQ(fn.Describe(7071, "api"), "timerTrigger");
}

struct BadCase {
  const char* json;
  const char* expect;  // substring of the error
};

class FunctionJsonErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(FunctionJsonErrors, ClearMessage) {
  FunctionSpec fn;
  Status s = ParseFunctionJson("bad", "/app/bad", GetParam().json, &fn);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find(GetParam().expect), std::string::npos) << s.message();
}

INSTANTIATE_TEST_SUITE_P(
    All, FunctionJsonErrors,
    ::testing::Values(
        BadCase{"{ not json", "not valid JSON"}, BadCase{"[]", "JSON object"},
        BadCase{"{}", "no 'bindings'"},
        BadCase{R"({"bindings": [{"type": "http", "direction": "out", "name": "$return"}]})",
                "no trigger"},
        BadCase{R"({"bindings": [{"type": "httpTrigger", "direction": "in", "name": "a"},
                                  {"type": "queueTrigger", "direction": "in", "name": "b"}]})",
                "two triggers"},
        BadCase{R"({"bindings": [{"type": "httpTrigger", "direction": "sideways", "name": "a"}]})",
                "unknown direction 'sideways'"},
        BadCase{R"({"bindings": [{"type": "httpTrigger", "direction": "in"}]})", "no 'name'"},
        BadCase{R"({"bindings": [{"direction": "in", "name": "x"}]})", "no 'type'"},
        BadCase{R"({"bindings": [{"type": "httpTrigger", "direction": "in", "name": "r"},
                                  {"type": "blob", "name": "b"}]})",
                "no 'direction'"},
        BadCase{R"({"bindings": {"a": 1}})", "must be an array"}));

TEST(FunctionJson, BrokenHttpFunctionKeepsRoute) {
  FunctionSpec fn;
  Status s = ParseFunctionJson("b", "/a/b", R"({"bindings": [
      {"type": "httpTrigger", "direction": "in", "name": "req", "route": "broken/{x}"},
      {"type": "queueTrigger", "direction": "in", "name": "q"}]})", &fn);
  EXPECT_FALSE(s.ok());
  ASSERT_TRUE(fn.http);
  EXPECT_EQ(fn.http->route, "broken/{x}");
}

TEST(RawBindings, SameParserAsFunctionJson) {
  FunctionSpec fn;
  fn.name = "hello";
  Status s = ParseRawBindings(
      {R"({"authLevel": "ANONYMOUS", "type": "httpTrigger", "direction": "IN", "name": "req", "route": "hi"})",
       R"({"type": "http", "direction": "OUT", "name": "$return"})"},
      &fn);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(fn.http->route, "hi");
  EXPECT_EQ(fn.http->auth_level, "anonymous");
  EXPECT_EQ(fn.bindings[1].direction, BindingDirection::kOut);
  EXPECT_FALSE(ParseRawBindings({"{"}, &fn).ok());
}

TEST(HostJson, Defaults) {
  HostConfig c;
  ASSERT_TRUE(ParseHostConfig(R"({"version": "2.0"})", &c).ok());
  EXPECT_EQ(c.route_prefix, "api");
  ASSERT_TRUE(c.function_timeout);
  EXPECT_EQ(*c.function_timeout, std::chrono::minutes(30));
}

TEST(HostJson, RoutePrefixAndTimeout) {
  HostConfig c;
  ASSERT_TRUE(ParseHostConfig(R"({"version": "2.0", "functionTimeout": "00:00:05",
      "extensions": {"http": {"routePrefix": "/v1/"}}})", &c).ok());
  EXPECT_EQ(c.route_prefix, "v1");
  EXPECT_EQ(*c.function_timeout, std::chrono::seconds(5));
  ASSERT_TRUE(ParseHostConfig(R"({"version": "2.0", "functionTimeout": "-1",
      "extensions": {"http": {"routePrefix": ""}}})", &c).ok());
  EXPECT_EQ(c.route_prefix, "");
  EXPECT_FALSE(c.function_timeout);
}

TEST(HostJson, LogLevelTakesTheMostVerboseOfDefaultAndFunction) {
  HostConfig c;
  std::string level;
  ASSERT_TRUE(ParseHostConfig(R"({"version": "2.0"})", &c).ok());
  ASSERT_TRUE(HostLogLevel(c, &level).ok());
  EXPECT_EQ(level, "");
  ASSERT_TRUE(ParseHostConfig(R"({"version": "2.0",
      "logging": {"logLevel": {"default": "Warning"}}})", &c).ok());
  ASSERT_TRUE(HostLogLevel(c, &level).ok());
  EXPECT_EQ(level, "warn");
  ASSERT_TRUE(ParseHostConfig(R"({"version": "2.0",
      "logging": {"logLevel": {"default": "Information", "Function": "debug"}}})", &c).ok());
  ASSERT_TRUE(HostLogLevel(c, &level).ok());
  EXPECT_EQ(level, "debug");
  ASSERT_TRUE(ParseHostConfig(R"({"version": "2.0",
      "logging": {"logLevel": {"default": "Loud"}}})", &c).ok());
  Status s = HostLogLevel(c, &level);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("Loud"), std::string::npos);
}

TEST(HostJson, Errors) {
  HostConfig c;
  EXPECT_FALSE(ParseHostConfig("{", &c).ok());
  EXPECT_FALSE(ParseHostConfig("{}", &c).ok());
  Status s = ParseHostConfig(R"({"version": "1.0"})", &c);
  EXPECT_NE(s.message().find("2.0"), std::string::npos);
  EXPECT_FALSE(ParseHostConfig(R"({"version": "2.0", "functionTimeout": "5 minutes"})", &c).ok());
}

TEST(TimeSpan, Forms) {
  std::optional<std::chrono::milliseconds> t;
  ASSERT_TRUE(ParseTimeSpan("01:02:03", &t).ok());
  EXPECT_EQ(t->count(), 3723000);
  ASSERT_TRUE(ParseTimeSpan("1.00:00:00.5", &t).ok());
  EXPECT_EQ(t->count(), 86400500);
  EXPECT_FALSE(ParseTimeSpan("00:61:00", &t).ok());
  EXPECT_FALSE(ParseTimeSpan("", &t).ok());
}

TEST(LocalSettings, ValuesAndHost) {
  LocalSettings ls;
  ASSERT_TRUE(ParseLocalSettings(R"({"IsEncrypted": false,
      "Values": {"A": "1", "N": 5, "B": true, "FUNCTIONS_WORKER_RUNTIME": "python"},
      "Host": {"LocalHttpPort": 7072, "CORS": "*"}})", &ls).ok());
  EXPECT_EQ(ls.values["A"], "1");
  EXPECT_EQ(ls.values["N"], "5");
  EXPECT_EQ(ls.values["B"], "true");
  EXPECT_EQ(*ls.local_http_port, 7072);
  EXPECT_EQ(ls.host["CORS"], "*");
  EXPECT_FALSE(ParseLocalSettings(R"({"IsEncrypted": true, "Values": {}})", &ls).ok());
  EXPECT_FALSE(ParseLocalSettings(R"({"Values": []})", &ls).ok());
}

TEST(LocalSettings, RealEnvironmentWins) {
  Environment env{{"A", "from-env"}, {"PATH", "/bin"}};
  Environment add = MergeEnvironment(env, {{"A", "from-file"}, {"B", "b"}});
  EXPECT_EQ(add.size(), 1u);
  EXPECT_EQ(add["B"], "b");
}

// ---- host.json "functions" and AzureFunctionsJobHost__* ----------------------------------

using json = nlohmann::json;

json Overridden(const std::string& host_json, const Environment& env,
                std::vector<std::string>* warnings = nullptr, Status* status = nullptr) {
  json j = json::parse(host_json);
  std::vector<std::string> applied, w;
  Status s = ApplyHostJsonOverrides(env, &j, &applied, &w);
  if (status) *status = s;
  else EXPECT_TRUE(s.ok()) << s.ToString();
  if (warnings) *warnings = w;
  return j;
}

TEST(HostJsonFunctions, AllowList) {
  HostConfig c;
  ASSERT_TRUE(ParseHostConfig(R"({"version": "2.0", "functions": ["hello", "Other"]})", &c).ok());
  ASSERT_TRUE(c.functions);
  EXPECT_EQ(*c.functions, (std::vector<std::string>{"hello", "Other"}));
  // Absent, null and [] all mean "every function" (.NET drops an empty array).
  for (const char* text : {R"({"version": "2.0"})", R"({"version": "2.0", "functions": null})",
                           R"({"version": "2.0", "functions": []})"}) {
    ASSERT_TRUE(ParseHostConfig(text, &c).ok()) << text;
    EXPECT_FALSE(c.functions) << text;
  }
  // The key ignores case, like .NET configuration.
  ASSERT_TRUE(ParseHostConfig(R"({"version": "2.0", "Functions": ["a"]})", &c).ok());
  ASSERT_TRUE(c.functions);
  EXPECT_EQ(c.functions->at(0), "a");
}

TEST(HostJsonFunctions, NotAListIsAnError) {
  HostConfig c;
  Status s = ParseHostConfig(R"({"version": "2.0", "functions": "hello"})", &c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("'functions' must be an array"), std::string::npos) << s.message();
  s = ParseHostConfig(R"({"version": "2.0", "functions": ["a", 3]})", &c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("3 is not a name"), std::string::npos) << s.message();
}

TEST(HostJsonOverrides, FunctionsByIndex) {
  // Replaces the first element, keeps the second (merge by index).
  EXPECT_EQ(Overridden(R"({"functions": ["a", "b"]})", {{"AzureFunctionsJobHost__functions__0", "x"}}),
            json::parse(R"({"functions": ["x", "b"]})"));
  // Adds where the file has none: an array.
  EXPECT_EQ(Overridden(R"({"version": "2.0"})", {{"AzureFunctionsJobHost__functions__0", "hello"},
                                                  {"AzureFunctionsJobHost__functions__1", "bye"}}),
            json::parse(R"({"version": "2.0", "functions": ["hello", "bye"]})"));
  // An index past the end adds an element; the gap closes (the .NET binder).
  EXPECT_EQ(Overridden(R"({"functions": ["a", "b"]})", {{"AzureFunctionsJobHost__functions__5", "z"}}),
            json::parse(R"({"functions": ["a", "b", "z"]})"));
  // Indices sort as numbers, not text.
  EXPECT_EQ(Overridden(R"({})", {{"AzureFunctionsJobHost__functions__10", "k"},
                                  {"AzureFunctionsJobHost__functions__2", "c"}}),
            json::parse(R"({"functions": ["c", "k"]})"));
}

TEST(HostJsonOverrides, NestedSettingsAndCase) {
  // Keys ignore case and keep the file's spelling; the prefix ignores case too.
  EXPECT_EQ(Overridden(R"({"extensions": {"http": {"routePrefix": "api"}}})",
                       {{"azurefunctionsjobhost__EXTENSIONS__Http__ROUTEPREFIX", "v1"}}),
            json::parse(R"({"extensions": {"http": {"routePrefix": "v1"}}})"));
  // A key the file lacks gets the spelling pyfn's reader looks for.
  EXPECT_EQ(Overridden(R"({"version": "2.0"})",
                       {{"AzureFunctionsJobHost__extensions__http__routeprefix", ""}}),
            json::parse(R"({"version": "2.0", "extensions": {"http": {"routePrefix": ""}}})"));
  EXPECT_EQ(Overridden(R"({})", {{"AzureFunctionsJobHost__logging__LOGLEVEL__function", "Debug"}}),
            json::parse(R"({"logging": {"logLevel": {"Function": "Debug"}}})"));
  // ':' separates keys too (.NET's own separator).
  EXPECT_EQ(Overridden(R"({})", {{"AzureFunctionsJobHost:functionTimeout", "00:01:00"}}),
            json::parse(R"({"functionTimeout": "00:01:00"})"));
  // Other variables are left alone.
  EXPECT_EQ(Overridden(R"({"a": 1})", {{"AzureFunctionsJobHostX", "1"}, {"PATH", "/bin"},
                                        {"AzureWebJobsStorage", "x"}}),
            json::parse(R"({"a": 1})"));
}

TEST(HostJsonOverrides, TypeOfTheValue) {
  // The type of the value replaced.
  EXPECT_EQ(Overridden(R"({"extensions": {"queues": {"batchSize": 16}}})",
                       {{"AzureFunctionsJobHost__extensions__queues__batchSize", "8"}}),
            json::parse(R"({"extensions": {"queues": {"batchSize": 8}}})"));
  EXPECT_EQ(Overridden(R"({"x": {"flag": false, "ratio": 0.5, "name": "a"}})",
                       {{"AzureFunctionsJobHost__x__flag", "TRUE"},
                        {"AzureFunctionsJobHost__x__ratio", "1.5"},
                        {"AzureFunctionsJobHost__x__name", "123"}}),
            json::parse(R"({"x": {"flag": true, "ratio": 1.5, "name": "123"}})"));
  // Else the type pyfn's reader expects: version stays a string, batchSize a number.
  EXPECT_EQ(Overridden(R"({})", {{"AzureFunctionsJobHost__version", "2.0"},
                                  {"AzureFunctionsJobHost__extensions__queues__batchSize", "8"},
                                  {"AzureFunctionsJobHost__extensions__http__dynamicThrottlesEnabled", "True"},
                                  {"AzureFunctionsJobHost__functions__0", "123"}}),
            json::parse(R"({"version": "2.0", "extensions": {"queues": {"batchSize": 8},
                            "http": {"dynamicThrottlesEnabled": true}}, "functions": ["123"]})"));
  // Else inferred: true/false, integers, strings.
  EXPECT_EQ(Overridden(R"({})", {{"AzureFunctionsJobHost__custom__on", "false"},
                                  {"AzureFunctionsJobHost__custom__n", "-3"},
                                  {"AzureFunctionsJobHost__custom__s", "1.5"},
                                  {"AzureFunctionsJobHost__custom__t", "00:00:02"}}),
            json::parse(R"({"custom": {"on": false, "n": -3, "s": "1.5", "t": "00:00:02"}})"));
}

TEST(HostJsonOverrides, ValuesThatCannotBeTheirTypeAreErrors) {
  Status s;
  Overridden(R"({"extensions": {"queues": {"batchSize": 16}}})",
             {{"AzureFunctionsJobHost__extensions__queues__batchSize", "many"}}, nullptr, &s);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("AzureFunctionsJobHost__extensions__queues__batchSize='many' is not "
                             "an integer"),
            std::string::npos)
      << s.message();
  Overridden(R"({})", {{"AzureFunctionsJobHost__extensions__http__maxConcurrentRequests", "x"}},
             nullptr, &s);
  EXPECT_FALSE(s.ok());
  Overridden(R"({"f": true})", {{"AzureFunctionsJobHost__f", "yes"}}, nullptr, &s);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("not true or false"), std::string::npos) << s.message();
}

TEST(HostJsonOverrides, ShapeMismatchesAreWarnings) {
  std::vector<std::string> w;
  // A single value where the file has an array: ignored, the warning says how.
  EXPECT_EQ(Overridden(R"({"functions": ["a"]})", {{"AzureFunctionsJobHost__functions", "b"}}, &w),
            json::parse(R"({"functions": ["a"]})"));
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("AzureFunctionsJobHost__functions__0"), std::string::npos) << w[0];
  // Members of a single value: ignored.
  EXPECT_EQ(Overridden(R"({"version": "2.0"})", {{"AzureFunctionsJobHost__version__x", "1"}}, &w),
            json::parse(R"({"version": "2.0"})"));
  ASSERT_EQ(w.size(), 1u);
  // A name under an array: ignored. An empty key: ignored.
  Overridden(R"({"functions": ["a"]})", {{"AzureFunctionsJobHost__functions__x", "1"},
                                          {"AzureFunctionsJobHost____x", "1"}}, &w);
  EXPECT_EQ(w.size(), 2u);
}

TEST(HostJsonOverrides, ParseHostConfigSeesThem) {
  HostConfig c;
  Status s = ParseHostConfig(R"({"version": "2.0", "functions": ["a", "b"]})",
                             {{"AzureFunctionsJobHost__functions__1", "c"},
                              {"AzureFunctionsJobHost__extensions__http__routePrefix", "/v1/"},
                              {"AzureFunctionsJobHost__functionTimeout", "00:00:07"}},
                             &c);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(*c.functions, (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(c.route_prefix, "v1");
  EXPECT_EQ(*c.function_timeout, std::chrono::seconds(7));
  EXPECT_EQ(c.raw["extensions"]["http"]["routePrefix"], "/v1/");
  EXPECT_EQ(c.overrides.size(), 3u);
  // An override can make host.json invalid, like the file can.
  s = ParseHostConfig(R"({"version": "2.0"})", {{"AzureFunctionsJobHost__version", "3.0"}}, &c);
  EXPECT_FALSE(s.ok());
}

class AppDir : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("pyfn_loader_" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  void Write(const std::string& rel, const std::string& text) {
    fs::path p = root_ / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
  }
  fs::path root_;
};

TEST_F(AppDir, DiscoversFunctionFoldersOnly) {
  Write("host.json", R"({"version": "2.0"})");
  Write("b_func/function.json", kHttpFunction);
  Write("a_func/function.json", kHttpFunction);
  Write("shared_code/util.py", "");
  Write(".venv/lib/x.py", "");
  Write("broken/function.json", "{ oops");
  Write("off/function.json", kHttpFunction);
  auto fns = LoadFunctions(root_.string(), {{"AzureWebJobs.off.Disabled", "true"}});
  ASSERT_EQ(fns.size(), 4u);
  EXPECT_EQ(fns[0].name, "a_func");
  EXPECT_TRUE(fns[0].load_status.ok());
  EXPECT_EQ(fns[0].directory, (root_ / "a_func").string());
  EXPECT_EQ(fns[1].name, "b_func");
  EXPECT_EQ(fns[2].name, "broken");
  EXPECT_FALSE(fns[2].load_status.ok());
  EXPECT_NE(fns[2].load_status.message().find("broken/function.json"), std::string::npos);
  EXPECT_TRUE(fns[3].disabled);

  HostConfig hc;
  bool missing;
  ASSERT_TRUE(LoadHostConfig(root_.string(), {}, &hc, &missing).ok());
  EXPECT_FALSE(missing);
}

TEST_F(AppDir, MissingFilesAreDefaults) {
  HostConfig hc;
  bool missing;
  ASSERT_TRUE(LoadHostConfig(root_.string(), {}, &hc, &missing).ok());
  EXPECT_TRUE(missing);
  LocalSettings ls;
  ASSERT_TRUE(LoadLocalSettings(root_.string(), &ls).ok());
  EXPECT_TRUE(ls.values.empty());
  Write("host.json", R"({"version": "3.0"})");
  Status s = LoadHostConfig(root_.string(), {}, &hc, &missing);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("host.json"), std::string::npos);
}

TEST_F(AppDir, HostJsonOverridesFromTheEnvironment) {
  HostConfig hc;
  bool missing;
  Write("host.json", R"({"version": "2.0", "extensions": {"http": {"routePrefix": "api"}}})");
  ASSERT_TRUE(LoadHostConfig(root_.string(),
                             {{"AzureFunctionsJobHost__extensions__http__routePrefix", "v2"},
                              {"AzureFunctionsJobHost__functions__0", "hello"}},
                             &hc, &missing)
                  .ok());
  EXPECT_EQ(hc.route_prefix, "v2");
  ASSERT_TRUE(hc.functions);
  EXPECT_EQ(*hc.functions, std::vector<std::string>{"hello"});
  // Without a host.json: the defaults plus the overrides, no version added.
  fs::remove(root_ / "host.json");
  ASSERT_TRUE(LoadHostConfig(root_.string(), {{"AzureFunctionsJobHost__functions__0", "x"}}, &hc,
                             &missing)
                  .ok());
  EXPECT_TRUE(missing);
  EXPECT_EQ(hc.version, "2.0");
  EXPECT_EQ(hc.raw, nlohmann::json::parse(R"({"functions": ["x"]})"));
  // A bad override names the variable.
  Write("host.json", R"({"version": "2.0"})");
  Status s = LoadHostConfig(root_.string(),
                            {{"AzureFunctionsJobHost__extensions__queues__batchSize", "lots"}},
                            &hc, &missing);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("AzureFunctionsJobHost__extensions__queues__batchSize"),
            std::string::npos)
      << s.message();
}

TEST_F(AppDir, RawBindingsKeepTheFileOrder) {
  FunctionSpec fn;
  ASSERT_TRUE(ParseFunctionJson("f", "/a/f", R"({"bindings": [
      {"type": "httpTrigger", "name": "req", "direction": "in", "authLevel": "anonymous"}]})",
                                &fn)
                  .ok());
  ASSERT_EQ(fn.raw_bindings.size(), 1u);
  EXPECT_EQ(fn.raw_bindings[0],
            R"({"type":"httpTrigger","name":"req","direction":"in","authLevel":"anonymous"})");
}

}  // namespace
}  // namespace pyfn
