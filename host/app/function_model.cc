#include "host/app/function_model.h"
#include "host/common/strings.h"

#include <algorithm>
#include <cctype>

namespace pyfn {
namespace {

std::string BindingLabel(size_t i, const nlohmann::json& b) {
  std::string label = "binding " + std::to_string(i);
  if (b.is_object() && b.contains("name") && b["name"].is_string())
    label += " ('" + b["name"].get<std::string>() + "')";
  return label;
}

}  // namespace

bool BindingSpec::IsTrigger() const {
  std::string l = AsciiLower(type);
  return l.size() > 7 && l.compare(l.size() - 7, 7, "trigger") == 0;
}

bool BindingSpec::IsType(const char* t) const { return AsciiLower(type) == AsciiLower(t); }

const BindingSpec* FunctionSpec::HttpOutput() const {
  for (const auto& b : bindings)
    if (b.IsType("http") && b.direction != BindingDirection::kIn) return &b;
  return nullptr;
}

std::string FunctionSpec::RouteTemplateWithPrefix(const std::string& route_prefix) const {
  std::string route = http ? http->route : name;
  while (!route.empty() && route[0] == '/') route.erase(0, 1);
  std::string prefix = route_prefix;
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  while (!prefix.empty() && prefix[0] == '/') prefix.erase(0, 1);
  if (prefix.empty()) return route;
  if (route.empty()) return prefix;
  return prefix + "/" + route;
}

std::string FunctionSpec::Describe(int port, const std::string& route_prefix) const {
  if (http || !trigger()) {
    std::string methods;
    if (http && !http->methods.empty()) {
      methods = "[";
      for (size_t i = 0; i < http->methods.size(); ++i)
        methods += (i ? "," : "") + http->methods[i];
      methods += "] ";
    } else if (http) {
      methods = "[GET,POST,PUT,DELETE,PATCH,HEAD,OPTIONS] ";
    }
    return methods + "http://localhost:" + std::to_string(port) + "/" +
           RouteTemplateWithPrefix(route_prefix);
  }
  return trigger()->type;
}

Status ParseBindings(const nlohmann::json& bindings, FunctionSpec* fn) {
  fn->bindings.clear();
  fn->raw_bindings.clear();
  fn->trigger_index = -1;
  fn->http.reset();
  if (!bindings.is_array()) return Status::InvalidArgument("'bindings' must be an array");
  std::vector<std::string> errors;
  for (size_t i = 0; i < bindings.size(); ++i) {
    const nlohmann::json& b = bindings[i];
    if (!b.is_object()) {
      errors.push_back(BindingLabel(i, b) + " is not an object");
      continue;
    }
    fn->raw_bindings.push_back(b.dump());
    BindingSpec spec;
    spec.raw = b;
    auto str = [&](const char* key, std::string* out) {
      auto it = b.find(key);
      if (it == b.end() || !it->is_string()) return false;
      *out = it->get<std::string>();
      return true;
    };
    if (!str("name", &spec.name) || spec.name.empty()) {
      errors.push_back(BindingLabel(i, b) + " has no 'name'");
      continue;
    }
    if (!str("type", &spec.type) || spec.type.empty()) {
      errors.push_back(BindingLabel(i, b) + " has no 'type'");
      continue;
    }
    std::string dir;
    if (!str("direction", &dir)) {
      // Azure accepts a missing direction on triggers (they are always "in").
      if (!spec.IsTrigger()) {
        errors.push_back(BindingLabel(i, b) + " has no 'direction'");
        continue;
      }
      dir = "in";
    }
    dir = AsciiLower(dir);
    if (dir == "in") spec.direction = BindingDirection::kIn;
    else if (dir == "out") spec.direction = BindingDirection::kOut;
    else if (dir == "inout") spec.direction = BindingDirection::kInOut;
    else {
      errors.push_back(BindingLabel(i, b) + " has unknown direction '" + dir +
                       "' (expected in, out or inout)");
      continue;
    }
    str("dataType", &spec.data_type);
    if (spec.IsTrigger()) {
      if (spec.direction != BindingDirection::kIn) {
        errors.push_back(BindingLabel(i, b) + " is a trigger but its direction is not 'in'");
        continue;
      }
      if (fn->trigger_index >= 0) {
        errors.push_back("two triggers: '" + fn->bindings[fn->trigger_index].name + "' and '" +
                         spec.name + "' (a function has exactly one)");
        continue;
      }
      fn->trigger_index = static_cast<int>(fn->bindings.size());
      if (spec.IsType("httpTrigger")) {
        HttpTriggerSpec http;
        std::string route;
        http.route = str("route", &route) ? route : fn->name;
        if (b.contains("route") && b["route"].is_null()) http.route = fn->name;
        auto m = b.find("methods");
        if (m != b.end() && m->is_array()) {
          for (const auto& x : *m)
            if (x.is_string()) http.methods.push_back(AsciiUpper(x.get<std::string>()));
        } else if (m != b.end() && !m->is_null()) {
          errors.push_back(BindingLabel(i, b) + ": 'methods' must be an array of strings");
        }
        std::string auth;
        if (str("authLevel", &auth)) {
          auth = AsciiLower(auth);
          if (auth != "anonymous" && auth != "function" && auth != "admin" && auth != "system" &&
              auth != "user")
            errors.push_back(BindingLabel(i, b) + " has unknown authLevel '" + auth + "'");
          http.auth_level = auth;
        }
        fn->http = http;
      }
    }
    fn->bindings.push_back(std::move(spec));
  }
  // Duplicate binding names confuse the worker's argument binding.
  for (size_t i = 0; i < fn->bindings.size(); ++i)
    for (size_t j = i + 1; j < fn->bindings.size(); ++j)
      if (AsciiLower(fn->bindings[i].name) == AsciiLower(fn->bindings[j].name) &&
          fn->bindings[i].name != "$return")
        errors.push_back("binding name '" + fn->bindings[i].name + "' is used twice");
  if (errors.empty() && fn->trigger_index < 0)
    errors.emplace_back(
        "no trigger binding (a function needs exactly one binding whose type ends "
        "in 'Trigger')");
  if (!errors.empty()) {
    std::string msg = errors[0];
    for (size_t i = 1; i < errors.size(); ++i) msg += "; " + errors[i];
    return Status::InvalidArgument(msg);
  }
  return Status::OK();
}

Status ParseRawBindings(const std::vector<std::string>& raw_bindings, FunctionSpec* fn) {
  nlohmann::json arr = nlohmann::json::array();
  for (size_t i = 0; i < raw_bindings.size(); ++i) {
    nlohmann::json j = nlohmann::json::parse(raw_bindings[i], nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded())
      return Status::InvalidArgument("raw binding " + std::to_string(i) + " is not valid JSON");
    arr.push_back(std::move(j));
  }
  Status s = ParseBindings(arr, fn);
  fn->raw_bindings = raw_bindings;  // keep the worker's exact text
  return s;
}

}  // namespace pyfn
