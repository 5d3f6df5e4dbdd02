#include "host/app/settings.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace pyfn {
namespace {

TEST(CommandLine, Forms) {
  CommandLine cl;
  ASSERT_TRUE(ParseCommandLine({"--script-root", "/app", "--port=7099"}, &cl).ok());
  EXPECT_EQ(*cl.script_root, "/app");
  EXPECT_EQ(*cl.port, 7099);
  CommandLine v;
  ASSERT_TRUE(ParseCommandLine({"--version"}, &v).ok());
  EXPECT_TRUE(v.version);
  CommandLine h;
  ASSERT_TRUE(ParseCommandLine({"--help"}, &h).ok());
  EXPECT_TRUE(h.help);
}

TEST(CommandLine, Index) {
  CommandLine cl;
  ASSERT_TRUE(ParseCommandLine({"--index", "--script-root", "/app"}, &cl).ok());
  EXPECT_TRUE(cl.index);
  EXPECT_EQ(cl.index_timeout, std::chrono::seconds(120));
  ASSERT_TRUE(ParseCommandLine({"--index-timeout=5"}, &cl).ok());
  EXPECT_EQ(cl.index_timeout, std::chrono::seconds(5));
  EXPECT_FALSE(ParseCommandLine({"--index=yes"}, &cl).ok());
  EXPECT_FALSE(ParseCommandLine({"--index-timeout", "0"}, &cl).ok());
  EXPECT_FALSE(ParseCommandLine({"--index-timeout", "soon"}, &cl).ok());
  std::string h = HelpText();
  for (const char* s : {"--index", "--index-timeout", "AzureFunctionsJobHost__", "functions"})
    EXPECT_NE(h.find(s), std::string::npos) << s;
}

TEST(CommandLine, Errors) {
  CommandLine cl;
  EXPECT_FALSE(ParseCommandLine({"--port"}, &cl).ok());
  EXPECT_FALSE(ParseCommandLine({"--port", "http"}, &cl).ok());
  EXPECT_FALSE(ParseCommandLine({"--port", "70000"}, &cl).ok());
  EXPECT_FALSE(ParseCommandLine({"--bogus"}, &cl).ok());
  EXPECT_FALSE(ParseCommandLine({"--script-root="}, &cl).ok());
}

TEST(Help, ListsEverySetting) {
  std::string h = HelpText();
  for (const char* s :
       {"--script-root", "--port", "--version", "AzureWebJobsScriptRoot", "FUNCTIONS_HTTP_PORT",
        "ASPNETCORE_URLS", "FUNCTIONS_WORKER_PROCESS_COUNT", "FUNCTIONS_REQUEST_BODY_SIZE_LIMIT",
        "languageWorkers__python__workerDirectory",
        "languageWorkers__python__defaultExecutablePath", "PYFN_SHUTDOWN_GRACE_PERIOD",
        "LocalHttpPort", "PYFN_LOG_LEVEL", "PYFN_WORKER_WAIT_TIMEOUT"})
    EXPECT_NE(h.find(s), std::string::npos) << s;
}

TEST(ScriptRoot, Order) {
  CommandLine cl;
  EXPECT_EQ(ResolveScriptRoot(cl, {}, "/cwd"), "/cwd");
  EXPECT_EQ(ResolveScriptRoot(cl, {{"AzureWebJobsScriptRoot", "/env/"}}, "/cwd"), "/env");
  cl.script_root = "rel/app";
  EXPECT_EQ(ResolveScriptRoot(cl, {{"AzureWebJobsScriptRoot", "/env"}}, "/cwd"), "/cwd/rel/app");
}

TEST(Settings, PortOrder) {
  CommandLine cl;
  LocalSettings ls;
  Settings s;
  ASSERT_TRUE(ResolveSettings(cl, {}, ls, &s).ok());
  EXPECT_EQ(s.port, 7071);
  s = Settings();
  ASSERT_TRUE(ResolveSettings(cl, {{"ASPNETCORE_URLS", "http://+:80"}}, ls, &s).ok());
  EXPECT_EQ(s.port, 80);
  ls.local_http_port = 7075;
  s = Settings();
  ASSERT_TRUE(ResolveSettings(cl, {{"ASPNETCORE_URLS", "http://+:80"}}, ls, &s).ok());
  EXPECT_EQ(s.port, 7075);
  s = Settings();
  ASSERT_TRUE(ResolveSettings(cl, {{"FUNCTIONS_HTTP_PORT", "8080"}}, ls, &s).ok());
  EXPECT_EQ(s.port, 8080);
  cl.port = 9000;
  s = Settings();
  ASSERT_TRUE(ResolveSettings(cl, {{"FUNCTIONS_HTTP_PORT", "8080"}}, ls, &s).ok());
  EXPECT_EQ(s.port, 9000);
}

TEST(Settings, Values) {
  Settings s;
  ASSERT_TRUE(ResolveSettings({}, {{"FUNCTIONS_WORKER_PROCESS_COUNT", "3"},
                                   {"FUNCTIONS_REQUEST_BODY_SIZE_LIMIT", "1024"},
                                   {"PYFN_SHUTDOWN_GRACE_PERIOD", "5"},
                                   {"languageWorkers__python__defaultExecutablePath", "/x/w"}},
                              {}, &s)
                  .ok());
  EXPECT_EQ(s.worker_count, 3);
  EXPECT_EQ(s.body_limit, 1024u);
  EXPECT_EQ(s.shutdown_grace.count(), 5);
  EXPECT_EQ(s.worker_executable, "/x/w");
  Settings d;
  ASSERT_TRUE(ResolveSettings({}, {}, {}, &d).ok());
  EXPECT_EQ(d.worker_count, 1);
  EXPECT_EQ(d.body_limit, 100ull * 1024 * 1024);
  EXPECT_FALSE(ResolveSettings({}, {{"FUNCTIONS_WORKER_PROCESS_COUNT", "0"}}, {}, &d).ok());
  EXPECT_FALSE(ResolveSettings({}, {{"FUNCTIONS_WORKER_PROCESS_COUNT", "two"}}, {}, &d).ok());
  EXPECT_FALSE(ResolveSettings({}, {{"PYFN_LOG_LEVEL", "loud"}}, {}, &d).ok());
}

TEST(AspNetCoreUrls, Port) {
  EXPECT_EQ(*PortFromAspNetCoreUrls("http://+:80"), 80);
  EXPECT_EQ(*PortFromAspNetCoreUrls("https://+:443;http://0.0.0.0:8080"), 8080);
  EXPECT_EQ(*PortFromAspNetCoreUrls("http://localhost"), 80);
  EXPECT_FALSE(PortFromAspNetCoreUrls("https://+:443"));
}

TEST(WorkerConfig, Defaults) {
  Settings s;
  EXPECT_EQ(WorkerConfigDirectory(s, "/opt/pyfn/bin"), "/opt/pyfn/lib/pyfn/workers/python");
  s.worker_directory = "/w";
  EXPECT_EQ(WorkerConfigDirectory(s, "/opt/pyfn/bin"), "/w");
  // Relative to the host's directory, made absolute (workers run elsewhere).
  s.worker_directory = "rel/w";
  std::string d = WorkerConfigDirectory(s, "/opt/pyfn/bin");
  EXPECT_EQ(d, (std::filesystem::current_path() / "rel/w").string());
}

TEST(WorkerConfig, WorkerEnvironmentIsAzures) {
  WorkerConfig cfg;
  cfg.directory = "/opt/pyfn/lib/pyfn/workers/python";
  Environment env{{"PATH", "/usr/bin"}, {"AzureWebJobsScriptRoot", "/elsewhere"}};
  Environment w = WorkerEnvironment(env, cfg, "/home/site/wwwroot");
  EXPECT_EQ(w["PATH"], "/usr/bin");
  EXPECT_EQ(w["FUNCTIONS_WORKER_DIRECTORY"], cfg.directory);
  EXPECT_EQ(w["FUNCTIONS_APPLICATION_DIRECTORY"], "/home/site/wwwroot");
  EXPECT_EQ(w["AzureWebJobsScriptRoot"], "/home/site/wwwroot");
  EXPECT_EQ(w.count("PYTHON_THREADPOOL_THREAD_COUNT"), 0u);
}

TEST(WorkerConfig, ParseAndResolve) {
  Settings s;
  WorkerConfig c;
  ASSERT_TRUE(ParseWorkerConfig(R"({"description": {"language": "python",
      "defaultExecutablePath": "../../../../bin/pyfn-worker", "defaultWorkerPath": "",
      "arguments": [], "workerIndexing": "true"}})",
                                "/opt/pyfn/lib/pyfn/workers/python", s, {}, &c)
                  .ok());
  EXPECT_EQ(c.executable, "/opt/pyfn/bin/pyfn-worker");
  EXPECT_EQ(c.worker_path, "");
  EXPECT_TRUE(c.worker_indexing);
  auto argv = WorkerCommandLine(c, 5000, "w1", "r1", 2147483647);
  std::vector<std::string> want{"/opt/pyfn/bin/pyfn-worker", "--host", "127.0.0.1", "--port",
                                "5000", "--workerId", "w1", "--requestId", "r1",
                                "--grpcMaxMessageLength", "2147483647", "--functions-uri",
                                "http://127.0.0.1:5000/", "--functions-worker-id", "w1",
                                "--functions-request-id", "r1",
                                "--functions-grpc-max-message-length", "2147483647"};
  EXPECT_EQ(argv, want);
}

TEST(WorkerConfig, AzureWorkerAndOverrides) {
  Settings s;
  WorkerConfig c;
  Environment env{{"FUNCTIONS_WORKER_RUNTIME_VERSION", "3.11"}};
  ASSERT_TRUE(ParseWorkerConfig(R"({"description": {"defaultExecutablePath": "python3",
      "defaultWorkerPath": "%FUNCTIONS_WORKER_RUNTIME_VERSION%/{os}/{architecture}/worker.py",
      "arguments": ["-X utf8"]}})",
                                "/w", s, env, &c)
                  .ok());
  EXPECT_EQ(c.executable, "python3");  // bare name: PATH lookup
  EXPECT_EQ(c.worker_path, "/w/3.11/LINUX/" + std::string(c.worker_path.find("Arm64") !=
                                                                  std::string::npos
                                                              ? "Arm64"
                                                              : "X64") +
                               "/worker.py");
  EXPECT_EQ(c.arguments, (std::vector<std::string>{"-X", "utf8"}));
  EXPECT_FALSE(c.worker_indexing);
  s.worker_executable = "/usr/bin/python3.11";
  s.worker_arguments = "-u";
  ASSERT_TRUE(ParseWorkerConfig(R"({"description": {"defaultExecutablePath": "python3"}})", "/w",
                                s, env, &c)
                  .ok());
  EXPECT_EQ(c.executable, "/usr/bin/python3.11");
  EXPECT_EQ(c.arguments, std::vector<std::string>{"-u"});
  EXPECT_FALSE(ParseWorkerConfig("{}", "/w", s, env, &c).ok());
  EXPECT_FALSE(ParseWorkerConfig("nope", "/w", s, env, &c).ok());
}

}  // namespace
}  // namespace pyfn
