#include "host/app/function_registry.h"

#include <algorithm>
#include <cctype>

#include "host/common/strings.h"
#include "host/workers/trace_context.h"

namespace pyfn {

const FunctionSpec* FunctionSet::Find(const std::string& name) const {
  for (const auto& f : functions)
    if (f.name == name) return &f;
  return nullptr;
}

const FunctionSpec* FunctionSet::FindById(const std::string& id) const {
  for (const auto& f : functions)
    if (f.function_id == id) return &f;
  return nullptr;
}

bool FunctionSelected(const std::vector<std::string>& selection, const std::string& name) {
  for (const auto& n : selection)
    if (AsciiLower(n) == AsciiLower(name)) return true;
  return false;
}

std::vector<std::string> UnmatchedSelection(const std::vector<std::string>& selection,
                                            const std::vector<FunctionSpec>& functions) {
  std::vector<std::string> out;
  for (const auto& n : selection) {
    bool found = false;
    for (const auto& f : functions) found = found || AsciiLower(f.name) == AsciiLower(n);
    if (!found) out.push_back(n);
  }
  return out;
}

std::vector<std::string> FunctionRegistry::excluded() const {
  pyfn::MutexLock l(mu_);
  return excluded_;
}

std::shared_ptr<const FunctionSet> FunctionRegistry::Get() const {
  pyfn::MutexLock l(mu_);
  if (!current_) return std::make_shared<FunctionSet>();
  return current_;
}

void FunctionRegistry::Replace(std::vector<FunctionSpec> functions) {
  std::vector<std::string> excluded;
  if (selection_) {
    std::vector<FunctionSpec> kept;
    for (auto& f : functions) {
      if (FunctionSelected(*selection_, f.name)) kept.push_back(std::move(f));
      else excluded.push_back(f.name);
    }
    functions = std::move(kept);
    std::sort(excluded.begin(), excluded.end());
  }
  auto set = std::make_shared<FunctionSet>();
  set->route_prefix = route_prefix_;
  for (auto& f : functions) {
    if (f.function_id.empty()) f.function_id = NewUuid();
    bool routed = f.http.has_value() || (!f.load_status.ok() && f.trigger() == nullptr);
    if (routed && !f.disabled) {
      std::vector<std::string> methods = f.http ? f.http->methods : std::vector<std::string>{};
      Status s = set->routes.Add(f.RouteTemplateWithPrefix(route_prefix_), methods, f.name);
      if (!s.ok() && f.load_status.ok())
        f.load_status = Status::InvalidArgument("bad route: " + s.message());
    }
  }
  set->functions = std::move(functions);
  pyfn::MutexLock l(mu_);
  current_ = std::move(set);
  excluded_ = std::move(excluded);
}

bool FunctionRegistry::SetLoadFailure(const std::string& name, const Status& status) {
  pyfn::MutexLock l(mu_);
  if (!current_) return false;
  auto copy = std::make_shared<FunctionSet>(*current_);
  for (auto& f : copy->functions) {
    if (f.name != name) continue;
    if (!f.load_status.ok()) return false;
    f.load_status = status;
    // RouteTable entries point into their own vector, so copying the set is safe.
    current_ = std::move(copy);
    return true;
  }
  return false;
}

}  // namespace pyfn
