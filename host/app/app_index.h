// The app index `pyfn-host --index --script-root APP` prints: what the host
// would run, for tools (k8s/pyfn_k8s.py builds Kubernetes + KEDA manifests
// from it). docs/settings.md "pyfn-host --index" describes the format:
//
//   {"scriptRoot": "/abs/app", "routePrefix": "api",
//    "hostJson": {...the effective host.json: file + AzureFunctionsJobHost__ overrides...},
//    "functions": [{"name", "loaded", "error", "disabled", "trigger", "bindings"}...]}
//
// Functions are sorted by name (ignoring case, then as written) and are the
// registry's: those host.json "functions" selects. `trigger` is the raw
// trigger binding plus, for httpTrigger, `route` (default: the function
// name), `methods` (upper case, [] = all) and `authLevel` (lower case,
// default "function"); for queueTrigger and blobTrigger, `connection`
// (default "AzureWebJobsStorage" when absent or empty). Everything else is
// left as written (`direction` too). `bindings` are the raw binding objects
// as function.json or the worker gave them (keys in their order). A function
// that failed to load has `loaded` false and `error` its load error; its
// trigger is what could be read (null when its function.json does not parse).
#ifndef PYFN_HOST_APP_INDEX_H_
#define PYFN_HOST_APP_INDEX_H_

#include <nlohmann/json.hpp>

#include <string>

#include "host/app/app_loader.h"
#include "host/app/function_registry.h"

namespace pyfn {

// Pure: the index of `set` (a registry snapshot after indexing and loading).
nlohmann::ordered_json BuildAppIndex(const std::string& script_root, const HostConfig& config,
                                     const FunctionSet& set);

// The `trigger` member for one function (null when it has no trigger).
nlohmann::ordered_json IndexTrigger(const FunctionSpec& fn);

}  // namespace pyfn

#endif  // PYFN_HOST_APP_INDEX_H_
