#include "host/app/settings.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <sstream>

namespace pyfn {
namespace fs = std::filesystem;

namespace {

bool ParseInt(const std::string& s, long long lo, long long hi, long long* out) {
  if (s.empty()) return false;
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno != 0 || *end != '\0' || v < lo || v > hi) return false;
  *out = v;
  return true;
}

const std::string* Get(const Environment& env, const char* name) {
  auto it = env.find(name);
  if (it == env.end() || it->second.empty()) return nullptr;
  return &it->second;
}

Status IntSetting(const Environment& env, const char* name, long long lo, long long hi,
                  long long* out) {
  const std::string* v = Get(env, name);
  if (!v) return Status::OK();
  if (!ParseInt(*v, lo, hi, out))
    return Status::InvalidArgument(std::string("setting ") + name + "='" + *v +
                                   "' is not an integer in [" + std::to_string(lo) + ", " +
                                   std::to_string(hi) + "]");
  return Status::OK();
}

// Splits like a shell would for simple cases: whitespace separated, with
// single or double quotes grouping.
std::vector<std::string> SplitArgs(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  bool have = false;
  char quote = 0;
  for (char c : s) {
    if (quote) {
      if (c == quote) quote = 0;
      else cur += c;
    } else if (c == '"' || c == '\'') {
      quote = c;
      have = true;
    } else if (c == ' ' || c == '\t') {
      if (have || !cur.empty()) out.push_back(cur);
      cur.clear();
      have = false;
    } else {
      cur += c;
    }
  }
  if (have || !cur.empty()) out.push_back(cur);
  return out;
}

}  // namespace

Status ParseCommandLine(const std::vector<std::string>& args, CommandLine* out) {
  for (size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i], value;
    bool has_inline = false;
    size_t eq = a.find('=');
    if (a.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = a.substr(eq + 1);
      a = a.substr(0, eq);
      has_inline = true;
    }
    auto need_value = [&](std::string* v) {
      if (has_inline) {
        *v = value;
        return Status::OK();
      }
      if (i + 1 >= args.size()) return Status::InvalidArgument(a + " needs a value");
      *v = args[++i];
      return Status::OK();
    };
    if (a == "--script-root") {
      std::string v;
      Status s = need_value(&v);
      if (!s.ok()) return s;
      if (v.empty()) return Status::InvalidArgument("--script-root needs a directory");
      out->script_root = v;
    } else if (a == "--port" || a == "-p") {
      std::string v;
      Status s = need_value(&v);
      if (!s.ok()) return s;
      long long p;
      if (!ParseInt(v, 0, 65535, &p))
        return Status::InvalidArgument("--port '" + v + "' is not a port number (0-65535)");
      out->port = static_cast<int>(p);
    } else if (a == "--index") {
      if (has_inline) return Status::InvalidArgument("--index takes no value");
      out->index = true;
    } else if (a == "--index-timeout") {
      std::string v;
      Status s = need_value(&v);
      if (!s.ok()) return s;
      long long t;
      if (!ParseInt(v, 1, 3600, &t))
        return Status::InvalidArgument("--index-timeout '" + v + "' is not a number of seconds (1-3600)");
      out->index_timeout = std::chrono::seconds(t);
    } else if (a == "--version" || a == "-v") {
      out->version = true;
    } else if (a == "--help" || a == "-h") {
      out->help = true;
    } else {
      return Status::InvalidArgument("unknown argument '" + args[i] + "' (see --help)");
    }
  }
  return Status::OK();
}

std::string HelpText() {
  return R"(Usage: pyfn-host [--script-root DIR] [--port N] [--version] [--help]
       pyfn-host --index [--script-root DIR] [--index-timeout SECONDS]

Serves an Azure-Functions-style Python function app (host.json + function folders,
or function_app.py) over HTTP, running the code in pyfn-worker processes.

Getting started:
  pyfn-host --script-root ./myapp     serve the app; the log lists each function's URL
  curl http://localhost:7071/api/NAME call an HTTP function (GET / says the app is up)
  functions with authLevel function or admin need a key: header x-functions-key or
                                      ?code=; the log says where the keys are kept
                                      (AzureWebJobsSecretStorageType), PYFN_MASTER_KEY and
                                      PYFN_FUNCTION_KEY set them
  edit the app's files                the workers restart with them (file watching; off
                                      with host.json "fileWatchingEnabled": false, a
                                      read-only app folder or WEBSITE_RUN_FROM_PACKAGE)
  Ctrl+C or SIGTERM                   stop; in-flight invocations finish first (a second
                                      signal stops at once)

Options:
  --script-root DIR   the function app (default: $AzureWebJobsScriptRoot, else the
                      current directory)
  --port N            HTTP port (default: see FUNCTIONS_HTTP_PORT below)
  --index             print the app index as JSON on stdout and exit 0: scriptRoot,
                      routePrefix, hostJson (host.json with the AzureFunctionsJobHost__
                      overrides) and the functions the host would run, each with name,
                      loaded, error, disabled, trigger and bindings. Decorator apps are
                      indexed by a worker as at start; no HTTP port is opened, no
                      trigger runs, no key is written. The log goes to stderr. Exit 1
                      with a message when DIR or its host.json is unusable, worker
                      indexing fails or the worker is not done in time
  --index-timeout N   seconds --index waits for the worker (default 120)
  --version           print the version and exit
  --help              this text

Settings (environment variables; local.settings.json "Values" are added to the
environment, real environment variables win):
  AzureWebJobsScriptRoot            script root when --script-root is not given
  FUNCTIONS_HTTP_PORT               HTTP port when --port is not given; then
                                    local.settings.json Host.LocalHttpPort, then the
                                    port of ASPNETCORE_URLS, then 7071
  ASPNETCORE_URLS                   e.g. http://+:80 (images)
  FUNCTIONS_WORKER_PROCESS_COUNT    worker processes (default 1, max 10)
  FUNCTIONS_REQUEST_BODY_SIZE_LIMIT request body limit in bytes (default 104857600,
                                    larger bodies get 413)
  languageWorkers__python__workerDirectory
                                    directory holding worker.config.json (default
                                    <exe dir>/../lib/pyfn/workers/python)
  languageWorkers__python__defaultExecutablePath
                                    worker executable (overrides worker.config.json)
  languageWorkers__python__defaultWorkerPath
                                    worker script (overrides worker.config.json)
  languageWorkers__python__arguments
                                    worker arguments, space separated (overrides)
  AzureWebJobs.<name>.Disabled      "true" disables function <name>
  PYFN_SHUTDOWN_GRACE_PERIOD        seconds in-flight invocations get to finish after
                                    SIGTERM/SIGINT (default 30); a second signal exits
                                    at once
  PYFN_WORKER_WAIT_TIMEOUT          seconds a request waits for a ready worker before
                                    503 (default 10)
  PYFN_LOG_LEVEL                    trace, debug, info (default), warn, error

host.json: version "2.0", extensions.http.routePrefix (default "api"),
functionTimeout ("hh:mm:ss", "-1" = none; default 00:30:00), functions (only
these functions run: ["a", "b"]; the others are neither routed, triggered nor
loaded; names ignore case).
  AzureFunctionsJobHost__<path>     overrides (or adds) the host.json value at <path>,
                                    keys separated by __, array elements by index:
                                    AzureFunctionsJobHost__functions__0=hello,
                                    AzureFunctionsJobHost__extensions__http__routePrefix=v1.
                                    Wins over the file (local.settings.json Values too);
                                    the text becomes the type of the value it replaces,
                                    else the type the setting needs, else true/false or
                                    an integer when it is one, else a string
Admin endpoints: GET /admin/host/status, GET /admin/host/ping; the key admin API
/admin/host/keys[/{name}] and /admin/functions/{name}/keys[/{name}] (master key).
)" + ProdHelpText();
}

std::string ResolveScriptRoot(const CommandLine& cl, const Environment& env,
                              const std::string& cwd) {
  std::string root;
  if (cl.script_root) root = *cl.script_root;
  else if (const std::string* v = Get(env, "AzureWebJobsScriptRoot")) root = *v;
  else root = cwd;
  fs::path p(root);
  if (!p.is_absolute()) p = fs::path(cwd) / p;
  std::string s = p.lexically_normal().string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

std::optional<int> PortFromAspNetCoreUrls(const std::string& urls) {
  static const std::regex kUrl(R"(^\s*http://[^/;]*:(\d+)/?\s*$)", std::regex::icase);
  std::stringstream ss(urls);
  std::string item;
  while (std::getline(ss, item, ';')) {
    std::smatch m;
    if (std::regex_match(item, m, kUrl)) {
      long long p;
      if (ParseInt(m[1], 0, 65535, &p)) return static_cast<int>(p);
    } else {
      static const std::regex kNoPort(R"(^\s*http://[^/:;]*/?\s*$)", std::regex::icase);
      if (std::regex_match(item, kNoPort)) return 80;
    }
  }
  return std::nullopt;
}

Status ResolveSettings(const CommandLine& cl, const Environment& env, const LocalSettings& local,
                       Settings* out) {
  long long v;
  if (cl.port) {
    out->port = *cl.port;
  } else if (Get(env, "FUNCTIONS_HTTP_PORT")) {
    v = 0;
    Status s = IntSetting(env, "FUNCTIONS_HTTP_PORT", 0, 65535, &v);
    if (!s.ok()) return s;
    out->port = static_cast<int>(v);
  } else if (local.local_http_port) {
    if (*local.local_http_port < 0 || *local.local_http_port > 65535)
      return Status::InvalidArgument("local.settings.json Host.LocalHttpPort is not a port");
    out->port = *local.local_http_port;
  } else if (const std::string* urls = Get(env, "ASPNETCORE_URLS")) {
    auto p = PortFromAspNetCoreUrls(*urls);
    if (!p) return Status::InvalidArgument("ASPNETCORE_URLS='" + *urls + "' names no http port");
    out->port = *p;
  }
  v = out->worker_count;
  Status s = IntSetting(env, "FUNCTIONS_WORKER_PROCESS_COUNT", 1, 10, &v);
  if (!s.ok()) return s;
  out->worker_count = static_cast<int>(v);
  v = static_cast<long long>(out->body_limit);
  s = IntSetting(env, "FUNCTIONS_REQUEST_BODY_SIZE_LIMIT", 1, LLONG_MAX, &v);
  if (!s.ok()) return s;
  out->body_limit = static_cast<uint64_t>(v);
  v = out->shutdown_grace.count();
  s = IntSetting(env, "PYFN_SHUTDOWN_GRACE_PERIOD", 0, 3600, &v);
  if (!s.ok()) return s;
  out->shutdown_grace = std::chrono::seconds(v);
  v = out->worker_wait.count();
  s = IntSetting(env, "PYFN_WORKER_WAIT_TIMEOUT", 0, 3600, &v);
  if (!s.ok()) return s;
  out->worker_wait = std::chrono::seconds(v);
  if (const std::string* l = Get(env, "PYFN_LOG_LEVEL")) {
    static const char* kLevels[] = {"trace", "debug", "info", "warn", "warning", "error"};
    bool ok = false;
    for (const char* k : kLevels) ok = ok || *l == k;
    if (!ok) return Status::InvalidArgument("PYFN_LOG_LEVEL='" + *l + "' is not a log level");
    out->log_level = *l == "warning" ? "warn" : *l;
  }
  if (const std::string* d = Get(env, "languageWorkers__python__workerDirectory"))
    out->worker_directory = *d;
  if (const std::string* d = Get(env, "languageWorkers__python__defaultExecutablePath"))
    out->worker_executable = *d;
  if (const std::string* d = Get(env, "languageWorkers__python__defaultWorkerPath"))
    out->worker_path = *d;
  auto a = env.find("languageWorkers__python__arguments");
  if (a != env.end()) out->worker_arguments = a->second;
  return Status::OK();
}

std::string WorkerConfigDirectory(const Settings& settings, const std::string& exe_dir) {
  // Absolute: workers run in the script root, not in the host's directory.
  if (!settings.worker_directory.empty())
    return fs::absolute(settings.worker_directory).lexically_normal().string();
  return (fs::path(exe_dir) / ".." / "lib" / "pyfn" / "workers" / "python")
      .lexically_normal()
      .string();
}

std::string ExpandWorkerPath(const std::string& s, const Environment& env) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      size_t end = s.find('%', i + 1);
      if (end != std::string::npos && end > i + 1) {
        auto it = env.find(s.substr(i + 1, end - i - 1));
        if (it != env.end()) {
          out += it->second;
          i = end;
          continue;
        }
      }
    }
    out += s[i];
  }
  auto replace = [&](const std::string& from, const std::string& to) {
    for (size_t p; (p = out.find(from)) != std::string::npos;) out.replace(p, from.size(), to);
  };
  replace("{os}", "LINUX");
#if defined(__aarch64__)
  replace("{architecture}", "Arm64");
#else
  replace("{architecture}", "X64");
#endif
  return out;
}

Status ParseWorkerConfig(const std::string& text, const std::string& dir,
                         const Settings& settings, const Environment& env, WorkerConfig* out) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  std::string path = (fs::path(dir) / "worker.config.json").string();
  if (j.is_discarded() || !j.is_object())
    return Status::InvalidArgument(path + " is not valid JSON");
  auto d = j.find("description");
  if (d == j.end() || !d->is_object())
    return Status::InvalidArgument(path + " has no 'description' object");
  auto str = [&](const char* key) -> std::string {
    auto it = d->find(key);
    return (it != d->end() && it->is_string()) ? it->get<std::string>() : std::string();
  };
  out->config_path = path;
  out->directory = dir;
  std::string exe = settings.worker_executable.empty() ? str("defaultExecutablePath")
                                                       : settings.worker_executable;
  std::string wpath =
      settings.worker_path.empty() ? str("defaultWorkerPath") : settings.worker_path;
  exe = ExpandWorkerPath(exe, env);
  wpath = ExpandWorkerPath(wpath, env);
  if (exe.empty()) return Status::InvalidArgument(path + " has no defaultExecutablePath");
  // A relative path resolves against the config's directory; a bare name
  // ("python3") that does not exist there is looked up in PATH.
  if (!fs::path(exe).is_absolute()) {
    fs::path cand = (fs::path(dir) / exe).lexically_normal();
    std::error_code ec;
    if (exe.find('/') != std::string::npos || fs::exists(cand, ec)) exe = cand.string();
  }
  out->executable = exe;
  if (!wpath.empty() && !fs::path(wpath).is_absolute())
    wpath = (fs::path(dir) / wpath).lexically_normal().string();
  out->worker_path = wpath;
  out->arguments.clear();
  if (settings.worker_arguments) {
    out->arguments = SplitArgs(*settings.worker_arguments);
  } else {
    auto a = d->find("arguments");
    if (a != d->end() && a->is_array())
      for (const auto& x : *a)
        if (x.is_string()) {
          // Azure allows several arguments in one string ("-X utf8").
          for (auto& part : SplitArgs(x.get<std::string>())) out->arguments.push_back(part);
        }
  }
  auto wi = d->find("workerIndexing");
  out->worker_indexing = wi != d->end() && ((wi->is_string() && wi->get<std::string>() == "true") ||
                                            (wi->is_boolean() && wi->get<bool>()));
  return Status::OK();
}

Environment WorkerEnvironment(const Environment& env, const WorkerConfig& cfg,
                              const std::string& script_root) {
  Environment out = env;
  out["FUNCTIONS_WORKER_DIRECTORY"] = cfg.directory;
  out["FUNCTIONS_APPLICATION_DIRECTORY"] = script_root;
  out["AzureWebJobsScriptRoot"] = script_root;
  return out;
}

std::vector<std::string> WorkerCommandLine(const WorkerConfig& cfg, int grpc_port,
                                           const std::string& worker_id,
                                           const std::string& request_id,
                                           int max_message_length) {
  std::vector<std::string> argv{cfg.executable};
  for (const auto& a : cfg.arguments) argv.push_back(a);
  if (!cfg.worker_path.empty()) argv.push_back(cfg.worker_path);
  std::string port = std::to_string(grpc_port), len = std::to_string(max_message_length);
  for (const std::string& a :
       {std::string("--host"), std::string("127.0.0.1"), std::string("--port"), port,
        std::string("--workerId"), worker_id, std::string("--requestId"), request_id,
        std::string("--grpcMaxMessageLength"), len, std::string("--functions-uri"),
        "http://127.0.0.1:" + port + "/", std::string("--functions-worker-id"), worker_id,
        std::string("--functions-request-id"), request_id,
        std::string("--functions-grpc-max-message-length"), len})
    argv.push_back(a);
  return argv;
}

}  // namespace pyfn
