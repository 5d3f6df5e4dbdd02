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
  // host.json "functions": only these functions run (names compared without
  // regard to case, as Azure's FunctionMetadataManager does). nullopt: all of
  // them; an empty array is nullopt too (.NET configuration drops empty arrays).
  std::optional<std::vector<std::string>> functions;
  // The effective host.json: the file plus the AzureFunctionsJobHost__*
  // overrides, no defaults added. Every reader of host.json reads this.
  nlohmann::json raw = nlohmann::json::object();
  // The environment variables that changed it ("AzureFunctionsJobHost__functions__0"),
  // and what was wrong with the ones that could not be applied (warnings);
  // filled by LoadHostConfig and ParseHostConfig(text, env, ...).
  std::vector<std::string> overrides;
  std::vector<std::string> override_warnings;
};

// Azure's environment overrides of host.json, as .NET configuration merges
// them (docs/settings.md "host.json from the environment"):
// AzureFunctionsJobHost__<path> (prefix and keys without regard to case, `__`
// or `:` between keys, array elements by index) replaces the value at <path>
// or adds it. The environment's text becomes the JSON type of the value it
// replaces, else the type pyfn's reader of that setting expects, else true/false
// -> boolean, an integer -> number, anything else a string. A value that cannot
// be that type is an error naming the variable. Array elements merge by index
// (functions__0 replaces the first name, functions__5 of a 2-element array
// adds a third: gaps close, as the .NET binder does). `applied` gets the
// names of the variables used, `warnings` what was ignored and why.
Status ApplyHostJsonOverrides(const Environment& env, nlohmann::json* host_json,
                              std::vector<std::string>* applied,
                              std::vector<std::string>* warnings);

// Parses host.json text. `version` must be "2.0".
Status ParseHostConfig(const std::string& text, HostConfig* out);
// The same with the AzureFunctionsJobHost__* overrides of `env` applied first.
Status ParseHostConfig(const std::string& text, const Environment& env, HostConfig* out);
// Validates an effective host.json (after overrides) into `out`. `from_file`
// false: there was no host.json, so a missing version means "2.0".
Status HostConfigFromJson(nlohmann::json j, bool from_file, HostConfig* out);
// Reads <script_root>/host.json and applies the AzureFunctionsJobHost__*
// overrides of `env` (the environment with local.settings.json Values merged).
// A missing file gives the defaults plus the overrides (and ok); unreadable or
// invalid content is an error naming the file.
Status LoadHostConfig(const std::string& script_root, const Environment& env, HostConfig* out,
                      bool* missing);

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
