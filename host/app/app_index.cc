#include "host/app/app_index.h"
#include "host/common/strings.h"

#include <algorithm>
#include <cctype>

namespace pyfn {
namespace {

using ojson = nlohmann::ordered_json;

// The member of `obj` named `key` without regard to case, or end().
ojson::iterator FindMember(ojson& obj, const std::string& key) {
  for (auto it = obj.begin(); it != obj.end(); ++it)
    if (AsciiLower(it.key()) == AsciiLower(key)) return it;
  return obj.end();
}

// Sets obj[key] (keeping the spelling of a member that differs only in case).
void SetMember(ojson& obj, const std::string& key, ojson value) {
  auto it = FindMember(obj, key);
  if (it != obj.end()) *it = std::move(value);
  else obj[key] = std::move(value);
}

ojson Raw(const std::string& text) {
  ojson j = ojson::parse(text, nullptr, /*allow_exceptions=*/false);
  return j.is_discarded() ? ojson() : j;
}

}  // namespace

ojson IndexTrigger(const FunctionSpec& fn) {
  const BindingSpec* t = fn.trigger();
  if (t == nullptr) return nullptr;
  // The trigger as written (function.json or the worker's raw binding, key
  // order kept), else the parsed copy.
  ojson trigger;
  for (const auto& text : fn.raw_bindings) {
    ojson b = Raw(text);
    if (!b.is_object()) continue;
    auto name = b.find("name"), type = b.find("type");
    if (name != b.end() && type != b.end() && name->is_string() && type->is_string() &&
        name->get<std::string>() == t->name && AsciiLower(type->get<std::string>()) == AsciiLower(t->type)) {
      trigger = std::move(b);
      break;
    }
  }
  if (!trigger.is_object()) trigger = ojson::parse(t->raw.dump());
  if (fn.http) {
    SetMember(trigger, "route", fn.http->route);
    SetMember(trigger, "methods", fn.http->methods);
    SetMember(trigger, "authLevel", AsciiLower(fn.http->auth_level));
  } else if (t->IsType("queueTrigger") || t->IsType("blobTrigger")) {
    auto c = FindMember(trigger, "connection");
    if (c == trigger.end() || c->is_null() || (c->is_string() && c->get<std::string>().empty()))
      SetMember(trigger, "connection", "AzureWebJobsStorage");
  }
  return trigger;
}

ojson BuildAppIndex(const std::string& script_root, const HostConfig& config,
                    const FunctionSet& set) {
  std::vector<const FunctionSpec*> fns;
  for (const auto& f : set.functions) fns.push_back(&f);
  std::sort(fns.begin(), fns.end(), [](const FunctionSpec* a, const FunctionSpec* b) {
    std::string la = AsciiLower(a->name), lb = AsciiLower(b->name);
    return la != lb ? la < lb : a->name < b->name;
  });
  ojson functions = ojson::array();
  for (const FunctionSpec* f : fns) {
    ojson bindings = ojson::array();
    for (const auto& text : f->raw_bindings) {
      ojson b = Raw(text);
      if (!b.is_null()) bindings.push_back(std::move(b));
    }
    ojson fn;
    fn["name"] = f->name;
    fn["loaded"] = f->load_status.ok();
    fn["error"] = f->load_status.ok() ? std::string() : f->load_status.message();
    fn["disabled"] = f->disabled;
    fn["trigger"] = IndexTrigger(*f);
    fn["bindings"] = std::move(bindings);
    functions.push_back(std::move(fn));
  }
  ojson index;
  index["scriptRoot"] = script_root;
  index["routePrefix"] = set.route_prefix;
  index["hostJson"] = ojson::parse(config.raw.dump());
  index["functions"] = std::move(functions);
  return index;
}

}  // namespace pyfn
