#include "host/app/load_failures.h"

#include <spdlog/spdlog.h>

namespace pyfn {

void LogLoadFailure(std::string_view function, std::string_view why, std::string_view detail) {
  spdlog::error("Function '{}' failed to load: {}{}", function, why, detail);
}

void PublishFunctions(FunctionRegistry* registry, std::vector<FunctionSpec> functions) {
  // Only the selected functions are kept, so only their failures are reported
  // (Azure filters FunctionErrors by the allow list too).
  registry->Replace(std::move(functions));
  auto set = registry->Get();
  for (const auto& f : set->functions)
    if (!f.load_status.ok()) LogLoadFailure(f.name, f.load_status.message());
  for (const auto& name : registry->excluded())
    spdlog::debug("Function '{}' is not in host.json \"functions\": not loaded", name);
  for (const auto& f : set->functions)
    if (f.disabled) spdlog::info("Function '{}' is disabled", f.name);
}

bool RecordLoadFailure(FunctionRegistry* registry, const std::string& function,
                       const Status& status, std::string_view detail) {
  if (!registry->SetLoadFailure(function, status)) return false;
  LogLoadFailure(function, status.message(), detail);
  return true;
}

}  // namespace pyfn
