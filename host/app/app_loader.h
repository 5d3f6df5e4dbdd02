// Loading a function app from its script root: host.json, local.settings.json
// and the function.json folders (spec rows L1, L7, L8).
//
// The Parse* functions are pure (text in, struct out) and unit tested; the
// Load* functions add the file system. Errors name the file and what is wrong.
#ifndef PYFN_HOST_APP_LOADER_H_
#define PYFN_HOST_APP_LOADER_H_

#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "host/app/function_model.h"
#include "host/common/status.h"

namespace pyfn {

using Environment = std::map<std::string, std::string>;

struct HostConfig {
  std::string version;               // must be "2.0"
  std::string route_prefix = "api";  // extensions.http.routePrefix; may be empty
  // host.json functionTimeout; nullopt = unlimited ("-1"). Default 30 minutes
  // (Azure's default outside the Consumption plan).
  std::optional<std::chrono::milliseconds> function_timeout = std::chrono::minutes(30);
  nlohmann::json raw = nlohmann::json::object();  // whole host.json, for extensions
};

// Parses host.json text. `version` must be "2.0".
Status ParseHostConfig(const std::string& text, HostConfig* out);
// Reads <script_root>/host.json. A missing file gives the defaults (and ok);
// unreadable or invalid content is an error naming the file.
Status LoadHostConfig(const std::string& script_root, HostConfig* out, bool* missing);

// The host log level host.json asks for: the most verbose of
// logging.logLevel.default and logging.logLevel.Function (.NET names: Trace,
// Debug, Information, Warning, Error, Critical, None), as an spdlog level name
// ("trace", "debug", "info", "warn", "error", "critical", "off"). Empty when
// host.json sets neither; an unknown name is an error naming it.
Status HostLogLevel(const HostConfig& config, std::string* level);

// "hh:mm:ss[.fff]" or "d.hh:mm:ss" (.NET TimeSpan), or "-1" for unlimited
// (out = nullopt).
Status ParseTimeSpan(const std::string& text, std::optional<std::chrono::milliseconds>* out);

struct LocalSettings {
  Environment values;                   // "Values", as strings
  std::optional<int> local_http_port;   // "Host.LocalHttpPort"
  nlohmann::json host = nlohmann::json::object();  // the whole "Host" object (CORS...)
};

Status ParseLocalSettings(const std::string& text, LocalSettings* out);
// Reads <script_root>/local.settings.json; a missing file is ok (empty result).
Status LoadLocalSettings(const std::string& script_root, LocalSettings* out);

// The entries of `values` that `env` does not already define (real environment
// variables win), i.e. what must be added to the environment.
Environment MergeEnvironment(const Environment& env, const Environment& values);

// Parses one function.json. `name` is the folder name, `dir` the absolute
// folder. Fills script_file (scriptFile resolved against dir, default
// dir/__init__.py), entry_point, disabled, bindings. On error `fn` keeps what
// could be read, so the function can still be listed and answer 500.
Status ParseFunctionJson(const std::string& name, const std::string& dir,
                         const std::string& text, FunctionSpec* fn);

// Every subfolder of script_root holding function.json, sorted by name. A
// function that fails to parse is returned with load_status set (spec L8).
// `env` is consulted for AzureWebJobs.<name>.Disabled.
std::vector<FunctionSpec> LoadFunctions(const std::string& script_root, const Environment& env);

// Reads a whole file; errors name the path.
Status ReadFile(const std::string& path, std::string* out);

}  // namespace pyfn

#endif  // PYFN_HOST_APP_LOADER_H_
