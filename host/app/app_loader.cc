#include "host/app/app_loader.h"
#include "host/common/strings.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <cstdlib>
#include <map>
#include <regex>
#include <sstream>

namespace pyfn {
namespace fs = std::filesystem;

namespace {

// The one place JSON parse errors become a Status.
Status ParseJson(const std::string& text, const std::string& what, nlohmann::json* out) {
  try {
    *out = nlohmann::json::parse(text, nullptr, true, /*ignore_comments=*/true);
  } catch (const nlohmann::json::parse_error& e) {
    std::string msg = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 2: ..."
    size_t p = msg.find("] ");
    if (p != std::string::npos) msg = msg.substr(p + 2);
    return Status::InvalidArgument(what + " is not valid JSON: " + msg);
  }
  return Status::OK();
}

bool Truthy(const nlohmann::json& v) {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_string()) {
    std::string s = AsciiLower(v.get<std::string>());
    return s == "true" || s == "1";
  }
  if (v.is_number_integer()) return v.get<long long>() != 0;
  return false;
}

}  // namespace

// ---- AzureFunctionsJobHost__* (host.json from the environment) ----------------------------

namespace {

enum class SettingType { kInfer, kString, kInt, kBool };

// The host.json settings pyfn reads: their spelling (for keys the environment
// adds) and the JSON type their reader expects. "*" = any key, "#" = an index.
struct KnownSetting {
  const char* path;
  SettingType type;
};
const KnownSetting kKnownSettings[] = {
    {"version", SettingType::kString},
    {"functionTimeout", SettingType::kString},
    {"functions.#", SettingType::kString},
    {"logging.logLevel.default", SettingType::kString},
    {"logging.logLevel.Function", SettingType::kString},
    {"logging.logLevel.*", SettingType::kString},
    {"extensions.http.routePrefix", SettingType::kString},
    {"extensions.http.maxConcurrentRequests", SettingType::kInt},
    {"extensions.http.maxOutstandingRequests", SettingType::kInt},
    {"extensions.http.dynamicThrottlesEnabled", SettingType::kBool},
    {"extensions.queues.batchSize", SettingType::kInt},
    {"extensions.queues.newBatchThreshold", SettingType::kInt},
    {"extensions.queues.maxDequeueCount", SettingType::kInt},
    {"extensions.queues.messageEncoding", SettingType::kString},
    {"extensions.queues.maxPollingInterval", SettingType::kInfer},  // TimeSpan or ms
    {"extensions.queues.visibilityTimeout", SettingType::kInfer},
    {"extensions.blobs.poisonBlobThreshold", SettingType::kInt},
    {"extensions.blobs.maxPollingInterval", SettingType::kInfer},
};

std::vector<std::string> SplitPath(const std::string& dotted) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : dotted) {
    if (c == '.') {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

bool AllDigits(const std::string& s) {
  if (s.empty() || s.size() > 9) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

bool SegmentMatches(const std::string& pattern, const std::string& seg) {
  if (pattern == "*") return true;
  if (pattern == "#") return AllDigits(seg);
  return AsciiLower(pattern) == AsciiLower(seg);
}

// The known setting at `path` (all segments), or nullptr.
const KnownSetting* FindKnown(const std::vector<std::string>& path) {
  for (const auto& k : kKnownSettings) {
    std::vector<std::string> p = SplitPath(k.path);
    if (p.size() != path.size()) continue;
    bool match = true;
    for (size_t i = 0; i < p.size() && match; ++i) match = SegmentMatches(p[i], path[i]);
    if (match) return &k;
  }
  return nullptr;
}

// How pyfn spells the key `path.back()` when the environment adds it.
std::string CanonicalKey(const std::vector<std::string>& path) {
  for (const auto& k : kKnownSettings) {
    std::vector<std::string> p = SplitPath(k.path);
    if (p.size() < path.size()) continue;
    bool match = true;
    for (size_t i = 0; i < path.size() && match; ++i) match = SegmentMatches(p[i], path[i]);
    const std::string& last = p[path.size() - 1];
    if (match && last != "*" && last != "#") return last;
  }
  return path.back();
}

std::string Dotted(const std::vector<std::string>& path) {
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) out += (i ? "." : "") + path[i];
  return out;
}

bool ParseInt64(const std::string& s, long long* out) {
  if (s.empty()) return false;
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno != 0 || *end != '\0' || end == s.c_str()) return false;
  if (!(std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '-')) return false;
  *out = v;
  return true;
}

// The environment's text as the JSON value host.json's reader expects.
Status ConvertValue(const std::string& var, const std::string& text,
                    const nlohmann::json* existing, const std::vector<std::string>& path,
                    nlohmann::json* out) {
  SettingType type = SettingType::kInfer;
  if (existing && existing->is_boolean()) type = SettingType::kBool;
  else if (existing && existing->is_number_integer()) type = SettingType::kInt;
  else if (existing && existing->is_number_float()) {
    char* end = nullptr;
    double d = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0')
      return Status::InvalidArgument(var + "='" + text + "' is not a number (host.json " +
                                     Dotted(path) + " is one)");
    *out = d;
    return Status::OK();
  } else if (existing && existing->is_string()) type = SettingType::kString;
  else if (const KnownSetting* k = FindKnown(path)) type = k->type;
  std::string l = AsciiLower(text);
  long long n = 0;
  switch (type) {
    case SettingType::kString:
      *out = text;
      return Status::OK();
    case SettingType::kBool:
      if (l != "true" && l != "false")
        return Status::InvalidArgument(var + "='" + text + "' is not true or false (host.json " +
                                       Dotted(path) + ")");
      *out = l == "true";
      return Status::OK();
    case SettingType::kInt:
      if (!ParseInt64(text, &n))
        return Status::InvalidArgument(var + "='" + text + "' is not an integer (host.json " +
                                       Dotted(path) + ")");
      *out = n;
      return Status::OK();
    case SettingType::kInfer:
      if (l == "true" || l == "false") *out = l == "true";
      else if (ParseInt64(text, &n)) *out = n;
      else *out = text;
      return Status::OK();
  }
  return Status::OK();
}

// The overrides as a tree: one node per key, children in the order first seen.
struct OverrideNode {
  std::string key;                 // as the environment spells it
  std::optional<std::string> value;
  std::string var;                 // the variable that set `value`
  std::vector<OverrideNode> children;

  OverrideNode* Child(const std::string& k) {
    for (auto& c : children)
      if (AsciiLower(c.key) == AsciiLower(k)) return &c;
    children.push_back(OverrideNode{k, std::nullopt, "", {}});
    return &children.back();
  }
};

Status Merge(const OverrideNode& node, std::vector<std::string>* path, nlohmann::json* target,
             std::vector<std::string>* applied, std::vector<std::string>* warnings);

// Sets or merges `child` into the slot `slot` (which may be null = absent).
Status MergeInto(const OverrideNode& child, std::vector<std::string>* path,
                 nlohmann::json* slot, bool existed, std::vector<std::string>* applied,
                 std::vector<std::string>* warnings) {
  if (child.value) {
    if (existed && (slot->is_object() || slot->is_array())) {
      warnings->push_back(child.var + " is ignored: host.json " + Dotted(*path) + " is " +
                          (slot->is_array() ? "an array (set its elements: " + child.var +
                                                  "__0, " + child.var + "__1, ...)"
                                            : "an object (set its members: " + child.var +
                                                  "__<name>)"));
    } else {
      nlohmann::json v;
      Status s = ConvertValue(child.var, *child.value, existed ? slot : nullptr, *path, &v);
      if (!s.ok()) return s;
      *slot = std::move(v);
      applied->push_back(child.var);
    }
  }
  if (child.children.empty()) return Status::OK();
  if (existed && !slot->is_null() && !slot->is_object() && !slot->is_array()) {
    if (!child.value)
      warnings->push_back("AzureFunctionsJobHost__" + Dotted(*path) + "__... is ignored: host.json " +
                          Dotted(*path) + " is a single value");
    return Status::OK();
  }
  if (!slot->is_object() && !slot->is_array()) {
    bool numeric = true;
    for (const auto& c : child.children) numeric = numeric && AllDigits(c.key);
    *slot = numeric ? nlohmann::json::array() : nlohmann::json::object();
  }
  return Merge(child, path, slot, applied, warnings);
}

Status Merge(const OverrideNode& node, std::vector<std::string>* path, nlohmann::json* target,
             std::vector<std::string>* applied, std::vector<std::string>* warnings) {
  if (target->is_array()) {
    // By index, as .NET configuration keys "functions:0", "functions:1": the
    // environment's elements replace or add, then the binder closes gaps.
    std::map<long, nlohmann::json> items;
    std::map<long, bool> present;
    for (size_t i = 0; i < target->size(); ++i) {
      items[static_cast<long>(i)] = (*target)[i];
      present[static_cast<long>(i)] = true;
    }
    for (const auto& c : node.children) {
      if (!AllDigits(c.key)) {
        warnings->push_back("AzureFunctionsJobHost__" + Dotted(*path) + "__" + c.key +
                            " is ignored: host.json " + Dotted(*path) + " is an array");
        continue;
      }
      long idx = std::stol(c.key);
      path->push_back(c.key);
      nlohmann::json& slot = items[idx];
      Status s = MergeInto(c, path, &slot, present[idx], applied, warnings);
      path->pop_back();
      if (!s.ok()) return s;
    }
    nlohmann::json arr = nlohmann::json::array();
    for (auto& kv : items) arr.push_back(std::move(kv.second));
    *target = std::move(arr);
    return Status::OK();
  }
  for (const auto& c : node.children) {
    std::string key;
    for (auto it = target->begin(); it != target->end(); ++it)
      if (AsciiLower(it.key()) == AsciiLower(c.key)) key = it.key();
    bool existed = !key.empty();
    path->push_back(existed ? key : c.key);
    if (!existed) {
      key = CanonicalKey(*path);
      path->back() = key;
    }
    nlohmann::json& slot = (*target)[key];
    Status s = MergeInto(c, path, &slot, existed, applied, warnings);
    if (!existed && slot.is_null() && !c.value) target->erase(key);
    path->pop_back();
    if (!s.ok()) return s;
  }
  return Status::OK();
}

}  // namespace

Status ApplyHostJsonOverrides(const Environment& env, nlohmann::json* host_json,
                              std::vector<std::string>* applied,
                              std::vector<std::string>* warnings) {
  static const std::string kPrefix = "azurefunctionsjobhost";
  OverrideNode root;
  for (const auto& kv : env) {
    const std::string& name = kv.first;
    if (name.size() <= kPrefix.size() || AsciiLower(name.substr(0, kPrefix.size())) != kPrefix)
      continue;
    // The rest: "__a__b" or ":a:b" (.NET accepts both in a variable's name).
    std::string rest = name.substr(kPrefix.size());
    std::vector<std::string> keys;
    size_t i = 0;
    bool bad = false;
    while (i < rest.size()) {
      size_t sep = rest.compare(i, 2, "__") == 0 ? 2 : rest[i] == ':' ? 1 : 0;
      if (sep == 0) {
        bad = true;
        break;
      }
      i += sep;
      size_t next = i;
      while (next < rest.size() && rest.compare(next, 2, "__") != 0 && rest[next] != ':') ++next;
      keys.push_back(rest.substr(i, next - i));
      if (keys.back().empty()) bad = true;
      i = next;
    }
    if (keys.empty() && !bad) continue;  // "AzureFunctionsJobHostX": another setting
    if (bad || keys.empty()) {
      warnings->push_back(name + " is ignored: expected AzureFunctionsJobHost__<key>[__<key>...]");
      continue;
    }
    OverrideNode* node = &root;
    for (const auto& k : keys) node = node->Child(k);
    if (node->value)
      warnings->push_back(name + " and " + node->var +
                          " name the same host.json setting (keys ignore case); " + name +
                          " wins");
    node->value = kv.second;
    node->var = name;
  }
  if (root.children.empty()) return Status::OK();
  if (!host_json->is_object()) *host_json = nlohmann::json::object();
  std::vector<std::string> path;
  return Merge(root, &path, host_json, applied, warnings);
}

Status ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::FromErrno("cannot read " + path, errno);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Status::FromErrno("error reading " + path, errno);
  *out = ss.str();
  return Status::OK();
}

Status ParseTimeSpan(const std::string& text, std::optional<std::chrono::milliseconds>* out) {
  if (text == "-1" || text == "-1.00:00:00") {
    *out = std::nullopt;
    return Status::OK();
  }
  static const std::regex kSpan(R"(^(?:(\d+)\.)?(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,7}))?$)");
  std::smatch m;
  if (!std::regex_match(text, m, kSpan))
    return Status::InvalidArgument("'" + text + "' is not a time span (expected hh:mm:ss or -1)");
  long long days = m[1].matched ? std::stoll(m[1]) : 0;
  long long h = std::stoll(m[2]), mi = std::stoll(m[3]), s = std::stoll(m[4]);
  if (h > 23 || mi > 59 || s > 59)
    return Status::InvalidArgument("'" + text + "' is not a valid time span");
  long long ms = ((days * 24 + h) * 60 + mi) * 60000 + s * 1000;
  if (m[5].matched) {
    std::string frac = m[5].str() + "000";
    ms += std::stoll(frac.substr(0, 3));
  }
  *out = std::chrono::milliseconds(ms);
  return Status::OK();
}

Status ParseHostConfig(const std::string& text, HostConfig* out) {
  return ParseHostConfig(text, Environment(), out);
}

Status ParseHostConfig(const std::string& text, const Environment& env, HostConfig* out) {
  nlohmann::json j;
  Status s = ParseJson(text, "host.json", &j);
  if (!s.ok()) return s;
  if (!j.is_object()) return Status::InvalidArgument("host.json must hold a JSON object");
  std::vector<std::string> applied, warnings;
  s = ApplyHostJsonOverrides(env, &j, &applied, &warnings);
  if (!s.ok()) return s;
  s = HostConfigFromJson(std::move(j), /*from_file=*/true, out);
  out->overrides = std::move(applied);
  out->override_warnings = std::move(warnings);
  return s;
}

Status HostConfigFromJson(nlohmann::json j, bool from_file, HostConfig* out) {
  if (!j.is_object()) return Status::InvalidArgument("host.json must hold a JSON object");
  out->raw = j;
  auto v = j.find("version");
  if (v == j.end() && !from_file) {
    out->version = "2.0";
  } else {
    if (v == j.end() || !v->is_string())
      return Status::InvalidArgument(
          "host.json is missing the required 'version' property (use \"version\": \"2.0\")");
    out->version = v->get<std::string>();
  }
  if (out->version != "2.0")
    return Status::InvalidArgument("host.json 'version' is '" + out->version +
                                   "'; only \"2.0\" is supported");
  auto ext = j.find("extensions");
  if (ext != j.end() && ext->is_object()) {
    auto http = ext->find("http");
    if (http != ext->end() && http->is_object()) {
      auto rp = http->find("routePrefix");
      if (rp != http->end()) {
        if (!rp->is_string())
          return Status::InvalidArgument("host.json extensions.http.routePrefix must be a string");
        out->route_prefix = rp->get<std::string>();
        while (!out->route_prefix.empty() && out->route_prefix.back() == '/')
          out->route_prefix.pop_back();
        while (!out->route_prefix.empty() && out->route_prefix[0] == '/')
          out->route_prefix.erase(0, 1);
      }
    }
  }
  auto ft = j.find("functionTimeout");
  if (ft != j.end() && !ft->is_null()) {
    if (!ft->is_string())
      return Status::InvalidArgument("host.json functionTimeout must be a string like \"00:05:00\"");
    Status s = ParseTimeSpan(ft->get<std::string>(), &out->function_timeout);
    if (!s.ok()) return Status::InvalidArgument("host.json functionTimeout: " + s.message());
  }
  // "functions": the allow list. Azure binds it from configuration, where an
  // empty array leaves no key at all: then every function runs.
  out->functions.reset();
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (AsciiLower(it.key()) != "functions" || it->is_null()) continue;
    if (!it->is_array())
      return Status::InvalidArgument(
          "host.json 'functions' must be an array of function names, e.g. [\"hello\"]");
    std::vector<std::string> names;
    for (const auto& n : *it) {
      if (!n.is_string() || n.get<std::string>().empty())
        return Status::InvalidArgument("host.json 'functions' must be an array of function "
                                       "names; " + n.dump() + " is not a name");
      names.push_back(n.get<std::string>());
    }
    if (!names.empty()) out->functions = std::move(names);
  }
  return Status::OK();
}

Status HostLogLevel(const HostConfig& config, std::string* level) {
  static const char* kNames[][2] = {{"trace", "trace"}, {"debug", "debug"},
                                    {"information", "info"}, {"warning", "warn"},
                                    {"error", "error"}, {"critical", "critical"},
                                    {"none", "off"}};
  level->clear();
  const nlohmann::json* levels = nullptr;
  auto logging = config.raw.find("logging");
  if (logging != config.raw.end() && logging->is_object()) {
    auto it = logging->find("logLevel");
    if (it != logging->end() && it->is_object()) levels = &*it;
  }
  if (levels == nullptr) return Status::OK();
  int best = -1;
  for (const char* category : {"default", "Function"}) {
    auto it = levels->find(category);
    if (it == levels->end()) continue;
    std::string name = it->is_string() ? it->get<std::string>() : "";
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    int found = -1;
    for (int i = 0; i < 7; ++i)
      if (name == kNames[i][0]) found = i;
    if (found < 0)
      return Status::InvalidArgument("host.json logging.logLevel." + std::string(category) +
                                     ": '" + it->dump() + "' is not a log level");
    if (best < 0 || found < best) best = found;
  }
  if (best >= 0) *level = kNames[best][1];
  return Status::OK();
}

Status LoadHostConfig(const std::string& script_root, const Environment& env, HostConfig* out,
                      bool* missing) {
  std::string path = (fs::path(script_root) / "host.json").string();
  *missing = false;
  std::error_code ec;
  *out = HostConfig();
  nlohmann::json j = nlohmann::json::object();
  if (!fs::exists(path, ec)) {
    *missing = true;
  } else {
    std::string text;
    Status s = ReadFile(path, &text);
    if (!s.ok()) return s;
    s = ParseJson(text, "host.json", &j);
    if (!s.ok()) return Status::InvalidArgument(path + ": " + s.message());
    if (!j.is_object()) return Status::InvalidArgument(path + ": host.json must hold a JSON object");
  }
  std::vector<std::string> applied, warnings;
  Status s = ApplyHostJsonOverrides(env, &j, &applied, &warnings);
  if (!s.ok()) return s;
  s = HostConfigFromJson(std::move(j), !*missing, out);
  out->overrides = std::move(applied);
  out->override_warnings = std::move(warnings);
  if (!s.ok()) {
    std::string where = *missing ? "host.json (from AzureFunctionsJobHost__ settings)" : path;
    if (!out->overrides.empty() && !*missing) where += " with AzureFunctionsJobHost__ settings";
    return Status::InvalidArgument(where + ": " + s.message());
  }
  return Status::OK();
}

Status ParseLocalSettings(const std::string& text, LocalSettings* out) {
  nlohmann::json j;
  Status s = ParseJson(text, "local.settings.json", &j);
  if (!s.ok()) return s;
  if (!j.is_object()) return Status::InvalidArgument("local.settings.json must hold an object");
  if (j.contains("IsEncrypted") && Truthy(j["IsEncrypted"]))
    return Status::InvalidArgument(
        "local.settings.json is encrypted (IsEncrypted: true); pyfn reads plain values only");
  auto vals = j.find("Values");
  if (vals != j.end() && !vals->is_null()) {
    if (!vals->is_object())
      return Status::InvalidArgument("local.settings.json 'Values' must be an object");
    for (auto it = vals->begin(); it != vals->end(); ++it) {
      if (it->is_string()) out->values[it.key()] = it->get<std::string>();
      else if (it->is_null()) out->values[it.key()] = "";
      else out->values[it.key()] = it->dump();  // numbers and booleans as written
    }
  }
  auto host = j.find("Host");
  if (host != j.end() && host->is_object()) {
    out->host = *host;
    auto port = host->find("LocalHttpPort");
    if (port != host->end()) {
      if (port->is_number_integer()) out->local_http_port = port->get<int>();
      else if (port->is_string()) {
        try {
          out->local_http_port = std::stoi(port->get<std::string>());
        } catch (...) {
          return Status::InvalidArgument("local.settings.json Host.LocalHttpPort is not a number");
        }
      }
    }
  }
  return Status::OK();
}

Status LoadLocalSettings(const std::string& script_root, LocalSettings* out) {
  std::string path = (fs::path(script_root) / "local.settings.json").string();
  std::error_code ec;
  if (!fs::exists(path, ec)) return Status::OK();
  std::string text;
  Status s = ReadFile(path, &text);
  if (!s.ok()) return s;
  s = ParseLocalSettings(text, out);
  if (!s.ok()) return Status::InvalidArgument(path + ": " + s.message());
  return Status::OK();
}

Environment MergeEnvironment(const Environment& env, const Environment& values) {
  Environment add;
  for (const auto& kv : values)
    if (env.find(kv.first) == env.end()) add.insert(kv);
  return add;
}

Status ParseFunctionJson(const std::string& name, const std::string& dir,
                         const std::string& text, FunctionSpec* fn) {
  fn->name = name;
  fn->directory = dir;
  fn->script_file = (fs::path(dir) / "__init__.py").string();
  nlohmann::json j;
  Status s = ParseJson(text, "function.json", &j);
  if (!s.ok()) return s;
  if (!j.is_object()) return Status::InvalidArgument("function.json must hold a JSON object");
  static const std::regex kName("^[A-Za-z][A-Za-z0-9_-]{0,127}$");
  if (!std::regex_match(name, kName))
    return Status::InvalidArgument("'" + name +
                                   "' is not a valid function name (letters, digits, '_' and '-', "
                                   "starting with a letter)");
  auto sf = j.find("scriptFile");
  if (sf != j.end() && !sf->is_null()) {
    if (!sf->is_string()) return Status::InvalidArgument("function.json 'scriptFile' must be a string");
    fs::path p(sf->get<std::string>());
    fn->script_file = (p.is_absolute() ? p : (fs::path(dir) / p)).lexically_normal().string();
  }
  auto ep = j.find("entryPoint");
  if (ep != j.end() && !ep->is_null()) {
    if (!ep->is_string()) return Status::InvalidArgument("function.json 'entryPoint' must be a string");
    fn->entry_point = ep->get<std::string>();
  }
  if (j.contains("disabled")) fn->disabled = Truthy(j["disabled"]);
  if (j.contains("retry")) fn->retry = RetryPolicy::FromJson(j["retry"]);
  auto b = j.find("bindings");
  if (b == j.end()) return Status::InvalidArgument("function.json has no 'bindings' array");
  s = ParseBindings(*b, fn);
  // raw_bindings as written (the worker and `pyfn-host --index` see the
  // function.json's key order, not the sorted one of the parsed copy).
  nlohmann::ordered_json ordered =
      nlohmann::ordered_json::parse(text, nullptr, false, /*ignore_comments=*/true);
  auto ob = ordered.is_object() ? ordered.find("bindings") : ordered.end();
  if (ordered.is_object() && ob != ordered.end() && ob->is_array()) {
    std::vector<std::string> raw;
    for (const auto& x : *ob)
      if (x.is_object()) raw.push_back(x.dump());
    if (raw.size() == fn->raw_bindings.size()) fn->raw_bindings = std::move(raw);
  }
  if (!s.ok()) return Status::InvalidArgument("function.json: " + s.message());
  return Status::OK();
}

std::vector<FunctionSpec> LoadFunctions(const std::string& script_root, const Environment& env) {
  std::vector<std::string> dirs;
  std::error_code ec;
  for (fs::directory_iterator it(script_root, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code ec2;
    if (!it->is_directory(ec2)) continue;
    if (!fs::exists(it->path() / "function.json", ec2)) continue;  // L1: not a function
    dirs.push_back(it->path().filename().string());
  }
  std::sort(dirs.begin(), dirs.end());
  std::vector<FunctionSpec> out;
  for (const auto& name : dirs) {
    FunctionSpec fn;
    std::string dir = fs::absolute(fs::path(script_root) / name).lexically_normal().string();
    std::string path = (fs::path(dir) / "function.json").string();
    std::string text;
    Status s = ReadFile(path, &text);
    if (s.ok()) s = ParseFunctionJson(name, dir, text, &fn);
    fn.name = name;
    fn.directory = dir;
    if (!s.ok()) fn.load_status = Status::InvalidArgument(path + ": " + s.message());
    for (const char* sep : {".", "__", "_"}) {
      auto it = env.find(std::string("AzureWebJobs") + sep + name + sep + "Disabled");
      if (it != env.end()) fn.disabled = Truthy(nlohmann::json(it->second));
    }
    out.push_back(std::move(fn));
  }
  return out;
}

}  // namespace pyfn
