// Where a function's load failure is recorded and logged: the one error line
// "Function '<name>' failed to load: <why>" every failure gets, whoever found
// it (a bad function.json, the worker's index or FunctionLoadResponse, a
// storage or Event Grid binding the settings cannot serve, a trigger that
// cannot start, a request to a failed function).
#ifndef PYFN_HOST_APP_LOAD_FAILURES_H_
#define PYFN_HOST_APP_LOAD_FAILURES_H_

#include <string_view>
#include <vector>

#include "host/app/function_model.h"
#include "host/app/function_registry.h"
#include "host/common/status.h"

namespace pyfn {

// The error line; `detail` follows `why` as is (" (request to /api/x
// answered 500)", "\n<stack trace>").
void LogLoadFailure(std::string_view function, std::string_view why, std::string_view detail = {});

// Replaces the registry's functions (FunctionRegistry::Replace, host.json
// "functions" applied) and logs the new set: each function that failed to
// load (its route included), at debug each one the selection left out, at
// info each disabled one. Both programming models publish through here.
void PublishFunctions(FunctionRegistry* registry, std::vector<FunctionSpec> functions);

// Marks `function` failed (FunctionRegistry::SetLoadFailure) and logs it, once:
// false (and nothing logged) when it had failed already or is not there.
bool RecordLoadFailure(FunctionRegistry* registry, const std::string& function,
                       const Status& status, std::string_view detail = {});

}  // namespace pyfn

#endif  // PYFN_HOST_APP_LOAD_FAILURES_H_
