// pyfn-host's command line and settings (docs/internals.md "pyfn-host command
// line and settings"), and the worker.config.json lookup.
//
// Everything here is pure: the environment comes in as a map, so tests can
// give any environment without touching the process's.
#ifndef PYFN_HOST_SETTINGS_H_
#define PYFN_HOST_SETTINGS_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "host/app/app_loader.h"
#include "host/app/prod_settings.h"
#include "host/common/status.h"

namespace pyfn {

// What the command line says. Settings that come from the environment are
// resolved later (ResolveSettings), after local.settings.json has been merged.
struct CommandLine {
  std::optional<std::string> script_root;
  std::optional<int> port;
  bool version = false;
  bool help = false;
  // --index: print the app index (app_index.h) as JSON on stdout and exit;
  // the log goes to stderr. --index-timeout: seconds to wait for the worker.
  bool index = false;
  std::chrono::seconds index_timeout{120};
};

// Parses argv (argv[0] skipped). Accepts "--opt value" and "--opt=value".
Status ParseCommandLine(const std::vector<std::string>& args, CommandLine* out);

// The text of --help: usage plus every setting the host reads.
std::string HelpText();

struct Settings {
  std::string script_root;  // absolute
  int port = 7071;
  int worker_count = 1;                              // FUNCTIONS_WORKER_PROCESS_COUNT
  uint64_t body_limit = 100ull * 1024 * 1024;        // FUNCTIONS_REQUEST_BODY_SIZE_LIMIT
  std::chrono::seconds shutdown_grace{30};           // PYFN_SHUTDOWN_GRACE_PERIOD
  std::chrono::seconds worker_wait{10};              // PYFN_WORKER_WAIT_TIMEOUT
  std::string log_level = "info";                    // PYFN_LOG_LEVEL
  std::string worker_directory;       // languageWorkers__python__workerDirectory
  std::string worker_executable;      // languageWorkers__python__defaultExecutablePath
  std::string worker_path;            // languageWorkers__python__defaultWorkerPath
  std::optional<std::string> worker_arguments;  // languageWorkers__python__arguments
  ProdSettings prod;  // keys, CORS, limits, metrics (ResolveProdSettings, called by main)
  Environment local_values;  // what local.settings.json added to the environment (main)
};

// Script root: --script-root, else AzureWebJobsScriptRoot, else `cwd`.
std::string ResolveScriptRoot(const CommandLine& cl, const Environment& env, const std::string& cwd);

// Everything else, from the command line, the (merged) environment and
// local.settings.json's Host section. Port order: --port, FUNCTIONS_HTTP_PORT,
// local.settings.json Host.LocalHttpPort, the port of ASPNETCORE_URLS, 7071.
Status ResolveSettings(const CommandLine& cl, const Environment& env,
                       const LocalSettings& local, Settings* out);

// "http://+:80;https://+:443" -> 80. nullopt when no http port is given.
std::optional<int> PortFromAspNetCoreUrls(const std::string& urls);

// worker.config.json, resolved.
struct WorkerConfig {
  std::string config_path;   // the file read
  std::string directory;     // its directory (sent as worker_directory)
  std::string executable;    // absolute path, or a bare name looked up in PATH
  std::string worker_path;   // absolute, or empty
  std::vector<std::string> arguments;
  bool worker_indexing = false;  // "workerIndexing": "true"
};

// Where to find worker.config.json: languageWorkers__python__workerDirectory,
// else <exe_dir>/../lib/pyfn/workers/python.
std::string WorkerConfigDirectory(const Settings& settings, const std::string& exe_dir);

// Parses worker.config.json text found in `dir`, applies the
// languageWorkers__python__* overrides in `settings`, resolves relative paths
// against `dir` and expands %VAR% (from env), {os} and {architecture}.
Status ParseWorkerConfig(const std::string& text, const std::string& dir,
                         const Settings& settings, const Environment& env, WorkerConfig* out);

// Expands %NAME% from env (unknown names are left as is), {os} -> LINUX,
// {architecture} -> X64/Arm64.
std::string ExpandWorkerPath(const std::string& s, const Environment& env);

// The environment a worker starts with, as Azure's host gives it: the host's
// own (local.settings.json Values included) plus FUNCTIONS_WORKER_DIRECTORY
// (the config's directory), FUNCTIONS_APPLICATION_DIRECTORY and
// AzureWebJobsScriptRoot (the script root, also the worker's working
// directory). Azure's host also sets PYTHON_THREADPOOL_THREAD_COUNT=1000 when
// it is unset; pyfn does not (docs/settings.md).
Environment WorkerEnvironment(const Environment& env, const WorkerConfig& cfg,
                              const std::string& script_root);

// The worker's command line (docs/internals.md "worker.config.json").
std::vector<std::string> WorkerCommandLine(const WorkerConfig& cfg, int grpc_port,
                                           const std::string& worker_id,
                                           const std::string& request_id,
                                           int max_message_length);

}  // namespace pyfn

#endif  // PYFN_HOST_SETTINGS_H_
