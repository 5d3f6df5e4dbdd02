// pyfn-host: serves an Azure-Functions-style Python app. See settings.h for the
// command line and settings, host.h for the parts.
#include <nlohmann/json.hpp>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "host/app/app_loader.h"
#include "host/app/process_environment.h"
#include "host/app/settings.h"
#include "host/common/logging.h"
#include "host/common/runtime_tuning.h"
#include "host/host.h"
#include "host/workers/subprocess.h"

namespace {

std::string ExeDir() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return ".";
  return p.parent_path().string();
}

[[noreturn]] void Die(const std::string& msg) {
  spdlog::critical("{}", msg);
  spdlog::shutdown();
  std::fflush(nullptr);
  std::_Exit(1);
}

void NoOpHandler(int) {}

}  // namespace

int main(int argc, char** argv) {
  // Before anything reorders argv: the environment the user gave (see process_environment.h).
  const std::string_view original_environment = pyfn::SecureExecutionEnvironBlock(argc, argv);
  pyfn::TuneLibraries();
  // Signals: SIGINT/SIGTERM/SIGCHLD are blocked in every thread and taken by
  // one sigwait thread (children get them unblocked, see subprocess.cc). A
  // handler is installed too so PID 1 in a container does not drop them.
  struct sigaction sa = {};
  sa.sa_handler = NoOpHandler;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
  sigset_t waited;
  sigemptyset(&waited);
  sigaddset(&waited, SIGINT);
  sigaddset(&waited, SIGTERM);
  sigaddset(&waited, SIGCHLD);
  pthread_sigmask(SIG_BLOCK, &waited, nullptr);

  pyfn::CommandLine cl;
  pyfn::Status s = pyfn::ParseCommandLine(std::vector<std::string>(argv + 1, argv + argc), &cl);
  if (!s.ok()) {
    std::fprintf(stderr, "pyfn-host: %s\n", s.message().c_str());
    return 2;
  }
  // --index: stdout is the JSON, everything else goes to stderr.
  pyfn::InitLogging("info", cl.index);
  if (cl.help) {
    std::fputs(pyfn::HelpText().c_str(), stdout);
    return 0;
  }
  if (cl.version) {
    std::printf("pyfn-host %s\n", PYFN_VERSION);
    return 0;
  }

  pyfn::Environment env = pyfn::ProcessEnvironment(original_environment);
  std::error_code ec;
  std::string cwd = std::filesystem::current_path(ec).string();
  std::string root = pyfn::ResolveScriptRoot(cl, env, cwd);
  if (!std::filesystem::is_directory(root, ec)) Die("Script root " + root + " is not a directory");

  // local.settings.json Values join the environment (real variables win), for
  // the host's own settings, for the AzureFunctionsJobHost__* overrides of
  // host.json and, inherited, for the workers (spec L7, R4).
  pyfn::LocalSettings local;
  s = pyfn::LoadLocalSettings(root, &local);
  if (!s.ok()) Die(s.message());
  pyfn::Environment local_values = pyfn::MergeEnvironment(env, local.values);
  for (const auto& kv : local_values) ::setenv(kv.first.c_str(), kv.second.c_str(), 1);
  ::setenv("AzureWebJobsScriptRoot", root.c_str(), 1);
  env = pyfn::ProcessEnvironment(original_environment);

  // host.json plus AzureFunctionsJobHost__* (the one place; everything reads `config`).
  pyfn::HostConfig config;
  bool missing = false;
  s = pyfn::LoadHostConfig(root, env, &config, &missing);
  if (!s.ok()) Die(s.message());
  if (missing && cl.index)
    Die("pyfn-host --index: " + root + " has no host.json (is it a function app?)");
  if (missing) spdlog::warn("No host.json in {}; using the defaults (version 2.0)", root);

  pyfn::Settings settings;
  settings.script_root = root;
  settings.local_values = std::move(local_values);
  s = pyfn::ResolveSettings(cl, env, local, &settings);
  if (!s.ok()) Die(s.message());
  s = pyfn::ResolveProdSettings(env, local, config, &settings.prod);
  if (!s.ok()) Die(s.message());
  if (env.find("PYFN_LOG_LEVEL") == env.end()) {
    std::string from_host_json;
    s = pyfn::HostLogLevel(config, &from_host_json);
    if (!s.ok()) Die(s.message());
    if (!from_host_json.empty()) settings.log_level = from_host_json;
  }
  pyfn::InitLogging(settings.log_level);
  pyfn::SetLogFormat(settings.prod.log_format);
  if (!config.overrides.empty()) {
    std::string names;
    for (const auto& n : config.overrides) names += (names.empty() ? "" : ", ") + n;
    spdlog::info("host.json: {} setting(s) from the environment: {}", config.overrides.size(),
                 names);
  }
  for (const auto& w : config.override_warnings) spdlog::warn("host.json: {}", w);
  // Orphans of the workers (processes a function started and left behind)
  // are re-parented to the host instead of init, and reaped by the
  // supervisor's waitpid(-1) like they would be if the host were PID 1 in a
  // container.
  if (::getpid() != 1) ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);

  // worker.config.json
  std::string wdir = pyfn::WorkerConfigDirectory(settings, ExeDir());
  std::string wpath = wdir + "/worker.config.json";
  std::string text;
  s = pyfn::ReadFile(wpath, &text);
  if (!s.ok()) {
    if (settings.worker_executable.empty())
      Die("Cannot read the worker configuration " + wpath +
          " (set languageWorkers__python__workerDirectory or "
          "languageWorkers__python__defaultExecutablePath)");
    text = R"({"description": {"language": "python", "defaultExecutablePath": ""}})";
  }
  pyfn::WorkerConfig wc;
  s = pyfn::ParseWorkerConfig(text, wdir, settings, env, &wc);
  if (!s.ok()) Die(s.message());

  auto host = std::make_unique<pyfn::Host>(settings, config, wc, env);
  if (!cl.index) {
    s = host->Start();
    if (!s.ok()) Die(s.message());
  }

  std::thread([h = host.get(), waited] {
    int signals = 0;
    while (true) {
      int sig = 0;
      if (sigwait(&waited, &sig) != 0) continue;
      if (sig == SIGCHLD) {
        h->OnChildSignal();
        continue;
      }
      if (++signals == 1) {
        h->RequestShutdown(sig == SIGTERM ? "SIGTERM" : "SIGINT");
      } else {
        spdlog::warn("Second signal: exiting now");
        h->KillWorkersNow();
        spdlog::shutdown();
        std::fflush(nullptr);
        std::_Exit(128 + sig);
      }
    }
  }).detach();

  if (cl.index) {
    nlohmann::ordered_json index;
    s = host->Index(std::chrono::milliseconds(cl.index_timeout), &index);
    if (!s.ok()) Die("pyfn-host --index: " + s.message());
    std::string text = index.dump(2) + "\n";
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    host.reset();
    spdlog::shutdown();
    std::fflush(nullptr);
    std::_Exit(0);
  }

  int rc = host->Run();
  host.reset();
  spdlog::shutdown();
  std::fflush(nullptr);
  // The sigwait thread is detached and still blocked: leave without running
  // static destructors under it.
  std::_Exit(rc);
}
