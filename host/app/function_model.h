// The function model shared by both programming models.
//
// A FunctionSpec is built either from a function.json folder (host indexing,
// app_loader.h) or from a worker's FunctionMetadataResponse `raw_bindings`
// (worker indexing, decorator model): both go through ParseBindings() so the
// two models cannot drift apart.
#ifndef PYFN_HOST_FUNCTION_MODEL_H_
#define PYFN_HOST_FUNCTION_MODEL_H_

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "host/app/retry_policy.h"
#include "host/common/status.h"

namespace pyfn {

enum class BindingDirection { kIn, kOut, kInOut };

struct BindingSpec {
  std::string name;
  std::string type;       // as written: "httpTrigger", "http", "queue", ...
  BindingDirection direction = BindingDirection::kIn;
  std::string data_type;  // "", "string", "binary", "stream"
  nlohmann::json raw;     // the binding object exactly as given (for extensions)

  bool IsTrigger() const;  // type ends with "Trigger" (any case)
  bool IsType(const char* t) const;  // case-insensitive type comparison
};

struct HttpTriggerSpec {
  std::string route;                 // without the prefix; default = function name
  std::vector<std::string> methods;  // upper case; empty = all
  std::string auth_level = "function";  // anonymous | function | admin (lower case)
};

struct FunctionSpec {
  std::string name;
  std::string function_id;  // sent in FunctionLoadRequest / InvocationRequest
  std::string directory;    // absolute function folder
  std::string script_file;  // absolute script path
  std::string entry_point;  // empty = worker default ("main")
  bool disabled = false;
  std::vector<BindingSpec> bindings;
  std::vector<std::string> raw_bindings;  // one JSON object text per binding
  int trigger_index = -1;                 // index into bindings, -1 if none
  std::optional<HttpTriggerSpec> http;    // set when the trigger is httpTrigger
  RetryPolicy retry;                      // function.json "retry" or the worker's retry options
  bool worker_indexed = false;            // came from FunctionMetadataResponse

  // Not ok: the function failed to load (bad function.json, or the worker's
  // FunctionLoadResponse failed). It keeps its route and answers 500.
  Status load_status;

  const BindingSpec* trigger() const {
    return trigger_index < 0 ? nullptr : &bindings[static_cast<size_t>(trigger_index)];
  }
  // The http output binding ("$return" or a named one), or nullptr.
  const BindingSpec* HttpOutput() const;
  // "[GET,POST] http://localhost:7071/api/x" for HTTP, "<triggerType>" otherwise.
  std::string Describe(int port, const std::string& route_prefix) const;
  // Full route template including the prefix ("api/items/{id}").
  std::string RouteTemplateWithPrefix(const std::string& route_prefix) const;
};

// Parses the "bindings" array (as JSON values) into `fn`: bindings, trigger,
// http spec and raw_bindings. Errors name the binding by index and name:
// missing name/type/direction, unknown direction, no trigger, two triggers.
// On error `fn` still holds whatever could be read (and fn->http is set when an
// httpTrigger was seen, so the broken function keeps its route).
Status ParseBindings(const nlohmann::json& bindings, FunctionSpec* fn);

// Same, from raw_bindings strings (a worker's FunctionMetadataResponse).
Status ParseRawBindings(const std::vector<std::string>& raw_bindings, FunctionSpec* fn);

}  // namespace pyfn

#endif  // PYFN_HOST_FUNCTION_MODEL_H_
