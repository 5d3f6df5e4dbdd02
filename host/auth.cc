#include "auth.h"

namespace pyfn {

std::string AllowAllAuthorizer::StartupNotice(const std::vector<FunctionSpec>& functions) const {
  std::string names;
  for (const auto& f : functions)
    if (f.http && f.http->auth_level != "anonymous" && !f.disabled)
      names += (names.empty() ? "" : ", ") + f.name + " (" + f.http->auth_level + ")";
  if (names.empty()) return "";
  return "Function keys are not implemented yet: functions with authLevel function/admin are "
         "served without a key: " +
         names;
}

}  // namespace pyfn
