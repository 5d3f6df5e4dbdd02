#include "host/app/app_loader.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <filesystem>
#include <fstream>
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

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool Truthy(const nlohmann::json& v) {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_string()) {
    std::string s = Lower(v.get<std::string>());
    return s == "true" || s == "1";
  }
  if (v.is_number_integer()) return v.get<long long>() != 0;
  return false;
}

}  // namespace

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
  nlohmann::json j;
  Status s = ParseJson(text, "host.json", &j);
  if (!s.ok()) return s;
  if (!j.is_object()) return Status::InvalidArgument("host.json must hold a JSON object");
  out->raw = j;
  auto v = j.find("version");
  if (v == j.end() || !v->is_string())
    return Status::InvalidArgument(
        "host.json is missing the required 'version' property (use \"version\": \"2.0\")");
  out->version = v->get<std::string>();
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
    s = ParseTimeSpan(ft->get<std::string>(), &out->function_timeout);
    if (!s.ok()) return Status::InvalidArgument("host.json functionTimeout: " + s.message());
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

Status LoadHostConfig(const std::string& script_root, HostConfig* out, bool* missing) {
  std::string path = (fs::path(script_root) / "host.json").string();
  *missing = false;
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    *missing = true;
    *out = HostConfig();
    return Status::OK();
  }
  std::string text;
  Status s = ReadFile(path, &text);
  if (!s.ok()) return s;
  s = ParseHostConfig(text, out);
  if (!s.ok()) return Status::InvalidArgument(path + ": " + s.message());
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
  if (j.contains("retry")) fn->retry = j["retry"];
  auto b = j.find("bindings");
  if (b == j.end()) return Status::InvalidArgument("function.json has no 'bindings' array");
  s = ParseBindings(*b, fn);
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
