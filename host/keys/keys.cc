#include "host/common/strings.h"
#include "host/keys/keys.h"

#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <sys/random.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>

namespace pyfn {
namespace {

using json = nlohmann::json;
constexpr const char* kMasterName = "_master";

void FillRandom(unsigned char* buf, size_t n) {
  size_t off = 0;
  while (off < n) {
    ssize_t r = ::getrandom(buf + off, n - off, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      // Kernels before 3.17: /dev/urandom.
      int fd = ::open("/dev/urandom", O_RDONLY | O_CLOEXEC);
      if (fd < 0) break;
      while (off < n) {
        ssize_t m = ::read(fd, buf + off, n - off);
        if (m < 0 && errno == EINTR) continue;
        if (m <= 0) break;
        off += static_cast<size_t>(m);
      }
      ::close(fd);
      break;
    }
    off += static_cast<size_t>(r);
  }
  if (off < n) {
    spdlog::critical("No randomness from the kernel for function keys");
    std::abort();
  }
}

std::string Base64Url(const unsigned char* p, size_t n) {
  static const char kAlpha[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  size_t i = 0;
  for (; i + 2 < n; i += 3) {
    unsigned v = (p[i] << 16) | (p[i + 1] << 8) | p[i + 2];
    out += kAlpha[(v >> 18) & 63];
    out += kAlpha[(v >> 12) & 63];
    out += kAlpha[(v >> 6) & 63];
    out += kAlpha[v & 63];
  }
  if (i + 1 == n) {
    unsigned v = p[i] << 16;
    out += kAlpha[(v >> 18) & 63];
    out += kAlpha[(v >> 12) & 63];
  } else if (i + 2 == n) {
    unsigned v = (p[i] << 16) | (p[i + 1] << 8);
    out += kAlpha[(v >> 18) & 63];
    out += kAlpha[(v >> 12) & 63];
    out += kAlpha[(v >> 6) & 63];
  }
  return out;
}

// Key names: what Azure accepts in practice, and nothing a path could confuse.
bool ValidKeyName(const std::string& n) {
  if (n.empty() || n.size() > 128) return false;
  for (char c : n)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'))
      return false;
  return true;
}

// Values: 16..4096 visible ASCII characters, no spaces (they travel in a
// header and in a query string).
bool ValidKeyValue(const std::string& v) {
  if (v.size() < 16 || v.size() > 4096) return false;
  for (char c : v)
    if (c <= ' ' || c > '~') return false;
  return true;
}

json Links(const std::string& self) { return json::array({{{"rel", "self"}, {"href", self}}}); }

std::vector<std::string> Segments(const std::string& path) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : path) {
    if (c == '/') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

}  // namespace

std::string GenerateKey() {
  unsigned char buf[40];
  FillRandom(buf, sizeof buf);
  return Base64Url(buf, sizeof buf);
}

bool ConstantTimeEquals(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  volatile unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i)
    diff = diff | static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

std::string PresentedKey(const HttpRequest& req, const std::map<std::string, std::string>& query) {
  std::string k = req.Header("x-functions-key");
  if (!k.empty()) return k;
  auto it = query.find("code");
  return it == query.end() ? "" : it->second;
}

KeyManager::KeyManager(std::unique_ptr<SecretsStore> store, std::string master_override,
                       std::string host_key_override)
    : store_(std::move(store)),
      master_override_(std::move(master_override)),
      host_key_override_(std::move(host_key_override)) {}

Status KeyManager::Initialize() {
  pyfn::MutexLock l(mu_);
  Status s;
  // Hosts sharing a store that start together race to create the keys: the
  // loser reads the winner's.
  for (int attempt = 0; attempt < 3; ++attempt) {
    s = InitializeOnce();
    if (!s.IsAborted()) break;
    spdlog::info("Another host wrote the host keys at the same time; reading them again");
  }
  return s;
}

Status KeyManager::InitializeOnce() {
  HostSecrets hs;
  Status s = store_->ReadHost(&hs);
  bool dirty = false;
  if (s.IsNotFound()) {
    hs = HostSecrets();
    hs.master.value = GenerateKey();
    hs.function_keys.push_back({"default", GenerateKey()});
    spdlog::info("Created the host keys (master key and host key 'default') in {}",
                 store_->Describe());
    dirty = true;
  } else if (!s.ok()) {
    return s;
  }
  hs.master.name = "master";
  if (!master_override_.empty() && master_override_ != hs.master.value) {
    hs.master.value = master_override_;
    dirty = true;
  }
  if (!host_key_override_.empty()) {
    bool found = false;
    for (auto& k : hs.function_keys)
      if (k.name == "default") {
        found = true;
        if (k.value != host_key_override_) {
          k.value = host_key_override_;
          dirty = true;
        }
      }
    if (!found) {
      hs.function_keys.push_back({"default", host_key_override_});
      dirty = true;
    }
  }
  if (dirty) {
    s = store_->WriteHost(hs);
    if (!s.ok()) return s;
  }
  host_ = std::move(hs);
  ++generation_;
  return Status::OK();
}

void KeyManager::set_read_only(std::string reason) { read_only_reason_ = std::move(reason); }

void KeyManager::SyncFunctions(const std::vector<FunctionSpec>& functions,
                               const std::vector<std::string>& keep) {
  pyfn::MutexLock l(mu_);
  std::map<std::string, FunctionEntry> next;
  std::set<std::string> stems;
  for (const auto& name : keep) stems.insert(SecretsFileStem(name));
  const bool read_only = !read_only_reason_.empty();
  for (const auto& f : functions) {
    FunctionEntry e;
    e.name = f.name;
    stems.insert(SecretsFileStem(f.name));
    auto old = functions_.find(AsciiLower(f.name));
    Status s;
    if (old != functions_.end()) {
      e.secrets = old->second.secrets;
    } else {
      s = store_->ReadFunction(f.name, &e.secrets);
      if (s.IsNotFound() && read_only) {
        spdlog::debug("Function '{}' has no keys in {}: the host keys open it", f.name,
                      store_->Describe());
        s = Status::OK();
      } else if (s.IsNotFound()) {
        e.secrets.keys.push_back({"default", GenerateKey()});
        s = store_->WriteFunction(f.name, e.secrets);
        if (s.ok()) spdlog::debug("Created key 'default' of function '{}'", f.name);
        if (s.IsAborted()) s = store_->ReadFunction(f.name, &e.secrets);  // another host's
      }
      if (!s.ok()) spdlog::error("Keys of function '{}': {}", f.name, s.message());
    }
    next[AsciiLower(f.name)] = std::move(e);
  }
  // Functions that are gone: their secrets go too (Azure purges them the same
  // way), unless other hosts share the store (Azure's blob repository keeps them).
  bool purge = !store_->shared() && !read_only;
  for (const auto& stem : purge ? store_->ListFunctions() : std::vector<std::string>()) {
    if (stems.count(stem)) continue;
    Status s = store_->DeleteFunction(stem);
    if (s.ok()) spdlog::info("Deleted the keys of function '{}', which no longer exists", stem);
    else spdlog::error("{}", s.message());
  }
  functions_ = std::move(next);
  ++generation_;
}

bool KeyManager::Authorize(const FunctionSpec& fn, const HttpRequest& req,
                           const std::map<std::string, std::string>& query) const {
  const std::string level = fn.http ? AsciiLower(fn.http->auth_level) : "function";
  if (level == "anonymous") return true;
  std::string key = PresentedKey(req, query);
  if (key.empty()) return false;
  if (Matches(fn, level, key)) return true;
  // Refreshing the cache from a shared store is not a logical change.
  return const_cast<KeyManager*>(this)->ReloadAfterMiss(level == "admin" ? "" : fn.name) &&
         Matches(fn, level, key);
}

bool KeyManager::Matches(const FunctionSpec& fn, const std::string& level,
                         const std::string& key) const {
  pyfn::MutexLock l(mu_);
  // Every candidate is compared, so the time does not say which one matched.
  bool ok = ConstantTimeEquals(key, host_.master.value);
  if (level == "admin") return ok;
  for (const auto& k : host_.function_keys) ok = ConstantTimeEquals(key, k.value) | ok;
  auto it = functions_.find(AsciiLower(fn.name));
  if (it != functions_.end())
    for (const auto& k : it->second.secrets.keys) ok = ConstantTimeEquals(key, k.value) | ok;
  return ok;
}

bool KeyManager::AuthorizeAdmin(const HttpRequest& req,
                                const std::map<std::string, std::string>& query) const {
  std::string key = PresentedKey(req, query);
  if (key.empty()) return false;
  auto master = [&] {
    pyfn::MutexLock l(mu_);
    return ConstantTimeEquals(key, host_.master.value);
  };
  return master() || (const_cast<KeyManager*>(this)->ReloadAfterMiss("") && master());
}

bool KeyManager::AuthorizeSystem(const std::string& key_name, const HttpRequest& req,
                                 const std::map<std::string, std::string>& query) const {
  std::string key = PresentedKey(req, query);
  if (key.empty()) return false;
  const std::string want = AsciiLower(key_name);
  auto matches = [&] {
    pyfn::MutexLock l(mu_);
    bool ok = ConstantTimeEquals(key, host_.master.value);
    for (const auto& k : host_.system_keys)
      if (AsciiLower(k.name) == want) ok = ConstantTimeEquals(key, k.value) | ok;
    return ok;
  };
  return matches() || (const_cast<KeyManager*>(this)->ReloadAfterMiss("") && matches());
}

Status KeyManager::EnsureSystemKey(const std::string& name) {
  pyfn::MutexLock l(mu_);
  const std::string want = AsciiLower(name);
  auto have = [&]() PYFN_REQUIRES(mu_) {
    for (const auto& k : host_.system_keys)
      if (AsciiLower(k.name) == want) return true;
    return false;
  };
  for (int attempt = 1;; ++attempt) {
    if (store_->shared()) {
      Status s = Refresh(Scope::kHostSystem, "");
      if (!s.ok()) return s;
    }
    if (have()) return Status::OK();
    if (!read_only_reason_.empty())
      return Status::NotFound("the system key '" + name + "' is not among the read-only keys (" +
                              read_only_reason_ + ")");
    host_.system_keys.push_back({name, GenerateKey()});
    Status s = Persist(Scope::kHostSystem, "");
    if (s.ok()) {
      spdlog::info("Created the system key '{}' in {}", name, store_->Describe());
      return s;
    }
    host_.system_keys.pop_back();
    if (!s.IsAborted() || !store_->shared() || attempt == 3) return s;
  }
}

bool KeyManager::ReloadAfterMiss(const std::string& function) {
  if (!store_->shared()) return false;
  {
    pyfn::MutexLock l(reload_mu_);
    auto now = std::chrono::steady_clock::now();
    auto it = last_reload_.find(AsciiLower(function));
    if (it != last_reload_.end() && now - it->second < reload_interval_) return false;
    last_reload_[AsciiLower(function)] = now;
  }
  uint64_t generation;
  std::string name = function;
  {
    pyfn::MutexLock l(mu_);
    generation = generation_;
    auto it = functions_.find(AsciiLower(function));
    if (it != functions_.end()) name = it->second.name;
  }
  // Storage is read without mu_, so that other requests are not held up.
  HostSecrets hs;
  Status hstat = store_->ReadHost(&hs);
  FunctionSecrets fs;
  Status fstat = function.empty() ? Status::NotFound("") : store_->ReadFunction(name, &fs);
  pyfn::MutexLock l(mu_);
  if (generation != generation_) return true;  // refreshed meanwhile; newer than what we read
  if (!hstat.ok() && !hstat.IsNotFound())
    spdlog::warn("Cannot reload the host keys from {}: {}", store_->Describe(), hstat.message());
  if (!fstat.ok() && !fstat.IsNotFound())
    spdlog::warn("Cannot reload the keys of function '{}': {}", name, fstat.message());
  if (hstat.ok()) {
    hs.master.name = "master";
    host_ = std::move(hs);
  }
  auto it = functions_.find(AsciiLower(function));
  if (fstat.ok() && it != functions_.end()) it->second.secrets = std::move(fs);
  ++generation_;
  spdlog::debug("Reloaded the keys from {} after a key that matched none", store_->Describe());
  return hstat.ok() || fstat.ok();
}

Status KeyManager::Refresh(Scope scope, const std::string& function) {
  Status s;
  if (scope != Scope::kFunction) {
    HostSecrets hs;
    s = store_->ReadHost(&hs);
    if (s.ok()) {
      hs.master.name = "master";
      host_ = std::move(hs);
    }
  } else {
    auto it = functions_.find(AsciiLower(function));
    if (it == functions_.end()) return Status::NotFound(function);
    FunctionSecrets fs;
    s = store_->ReadFunction(it->second.name, &fs);
    if (s.ok()) it->second.secrets = std::move(fs);
  }
  if (s.ok()) ++generation_;
  // Missing: what memory holds is written back (only if-none-match) by the next change.
  return s.IsNotFound() ? Status::OK() : s;
}

std::string KeyManager::StartupNotice(const std::vector<FunctionSpec>& functions) const {
  int n = 0;
  for (const auto& f : functions)
    if (f.http && AsciiLower(f.http->auth_level) != "anonymous" && !f.disabled) ++n;
  return "Function keys: " + store_->Describe() + "; " + std::to_string(n) +
         " HTTP function(s) need a key (x-functions-key header or code query parameter)";
}

std::vector<Key>* KeyManager::KeysFor(Scope scope, const std::string& function) {
  switch (scope) {
    case Scope::kHostFunction:
      return &host_.function_keys;
    case Scope::kHostSystem:
      return &host_.system_keys;
    case Scope::kFunction: {
      auto it = functions_.find(AsciiLower(function));
      return it == functions_.end() ? nullptr : &it->second.secrets.keys;
    }
  }
  return nullptr;
}

Status KeyManager::Persist(Scope scope, const std::string& function) {
  if (scope != Scope::kFunction) return store_->WriteHost(host_);
  auto it = functions_.find(AsciiLower(function));
  if (it == functions_.end()) return Status::NotFound(function);
  return store_->WriteFunction(it->second.name, it->second.secrets);
}

HttpResponse KeyManager::List(Scope scope, const std::string& function, const std::string& self) {
  std::vector<Key>* keys = KeysFor(scope, function);
  if (keys == nullptr) return EmptyResponse(404);
  json a = json::array();
  for (const auto& k : *keys) a.push_back({{"name", k.name}, {"value", k.value}});
  return JsonResponse(200, {{"keys", a}, {"links", Links(self)}});
}

HttpResponse KeyManager::Get(Scope scope, const std::string& function, const std::string& name,
                             const std::string& self) {
  if (scope != Scope::kFunction && name == kMasterName)
    return JsonResponse(200, {{"name", name}, {"value", host_.master.value}, {"links", Links(self)}});
  std::vector<Key>* keys = KeysFor(scope, function);
  if (keys == nullptr) return EmptyResponse(404);
  for (const auto& k : *keys)
    if (k.name == name)
      return JsonResponse(200, {{"name", k.name}, {"value", k.value}, {"links", Links(self)}});
  return EmptyResponse(404);
}

HttpResponse KeyManager::Set(Scope scope, const std::string& function, const std::string& name,
                             const std::string* value, const std::string& self,
                             Status* persisted) {
  if (value != nullptr && !ValidKeyValue(*value))
    return TextResponse(400, "Invalid key value (16 to 4096 visible ASCII characters)");
  std::string v = value ? *value : GenerateKey();
  int status;
  if (scope != Scope::kFunction && name == kMasterName) {
    HostSecrets before = host_;
    host_.master.value = v;
    Status s = Persist(scope, function);
    if (persisted) *persisted = s;
    if (!s.ok()) {
      host_ = std::move(before);
      spdlog::error("Cannot store the master key: {}", s.message());
      return EmptyResponse(500);
    }
    spdlog::info("Master key replaced through the key admin API");
    status = 200;
  } else {
    if (!ValidKeyName(name) || name[0] == '_') return TextResponse(400, "Invalid key name.");
    std::vector<Key>* keys = KeysFor(scope, function);
    if (keys == nullptr) return EmptyResponse(404);
    std::vector<Key> before = *keys;
    status = 201;
    for (auto& k : *keys)
      if (k.name == name) {
        k.value = v;
        status = 200;
      }
    if (status == 201) keys->push_back({name, v});
    Status s = Persist(scope, function);
    if (persisted) *persisted = s;
    if (!s.ok()) {
      *keys = std::move(before);
      spdlog::error("Cannot store key '{}': {}", name, s.message());
      return EmptyResponse(500);
    }
    spdlog::info("Key '{}' of {} {}", name,
                 scope == Scope::kFunction ? "function '" + function + "'" : std::string("the host"),
                 status == 201 ? "created" : "updated");
  }
  HttpResponse r = JsonResponse(status, {{"name", name}, {"value", v}, {"links", Links(self)}});
  if (status == 201) r.headers.emplace_back("Location", self);
  return r;
}

HttpResponse KeyManager::Delete(Scope scope, const std::string& function,
                                const std::string& name, Status* persisted) {
  if (name.empty() || name[0] == '_') return TextResponse(400, "Invalid key name.");
  std::vector<Key>* keys = KeysFor(scope, function);
  if (keys == nullptr) return EmptyResponse(404);
  std::vector<Key> before = *keys;
  size_t n = keys->size();
  for (size_t i = 0; i < keys->size();)
    if ((*keys)[i].name == name) keys->erase(keys->begin() + static_cast<long>(i));
    else ++i;
  if (keys->size() == n) return EmptyResponse(404);
  Status s = Persist(scope, function);
  if (persisted) *persisted = s;
  if (!s.ok()) {
    *keys = std::move(before);
    spdlog::error("Cannot delete key '{}': {}", name, s.message());
    return EmptyResponse(500);
  }
  spdlog::info("Key '{}' of {} deleted", name,
               scope == Scope::kFunction ? "function '" + function + "'" : std::string("the host"));
  return EmptyResponse(204);
}

bool KeyManager::HandleAdmin(const HttpRequest& req, const std::string& path, HttpResponse* out) {
  std::vector<std::string> seg = Segments(path);
  if (seg.size() < 3 || AsciiLower(seg[0]) != "admin") return false;
  Scope scope;
  std::string function, name;
  bool has_name = false;
  std::string s1 = AsciiLower(seg[1]);
  if (s1 == "host") {
    std::string s2 = AsciiLower(seg[2]);
    if (s2 == "keys" || s2 == "functionkeys") scope = Scope::kHostFunction;
    else if (s2 == "systemkeys") scope = Scope::kHostSystem;
    else return false;
    if (seg.size() > 4) return false;
    if (seg.size() == 4) {
      has_name = true;
      name = seg[3];
    }
  } else if (s1 == "functions") {
    if (seg.size() < 4 || seg.size() > 5 || AsciiLower(seg[3]) != "keys") return false;
    scope = Scope::kFunction;
    function = seg[2];
    if (seg.size() == 5) {
      has_name = true;
      name = seg[4];
    }
  } else {
    return false;
  }
  std::string self = req.base_url + path;
  const std::string& m = req.method;
  pyfn::MutexLock l(mu_);
  if (scope == Scope::kFunction) {
    auto it = functions_.find(AsciiLower(function));
    if (it == functions_.end()) {
      *out = EmptyResponse(404);
      return true;
    }
    function = it->second.name;
  }
  const bool reading = m == "GET" || m == "HEAD";
  if (store_->shared() && reading) {
    Status s = Refresh(scope, function);
    if (!s.ok())
      spdlog::warn("Key admin API: cannot re-read the keys from {}: {}; answering from memory",
                   store_->Describe(), s.message());
  }
  if (!has_name) {
    *out = reading ? List(scope, function, self) : EmptyResponse(405);
    return true;
  }
  if (reading) {
    *out = Get(scope, function, name, self);
    return true;
  }
  if (m != "PUT" && m != "POST" && m != "DELETE") {
    *out = EmptyResponse(405);
    return true;
  }
  // A key the environment gives is the truth at every start: changing it here
  // would be undone by the next start. Only those keys are refused; the others
  // follow the store (shared by every replica with blob storage).
  if (scope == Scope::kHostFunction) {
    std::string lname = AsciiLower(name);
    const char* var = !master_override_.empty() && lname == "_master" && m != "DELETE"
                          ? "PYFN_MASTER_KEY"
                      : !host_key_override_.empty() && lname == "default" ? "PYFN_FUNCTION_KEY"
                                                                          : nullptr;
    if (var != nullptr) {
      *out = JsonResponse(403, {{"error", "the key '" + name + "' comes from " + var +
                                            " (e.g. a Kubernetes Secret); change the environment "
                                            "and restart the host"},
                              {"code", "KeysReadOnly"}});
      spdlog::warn("Key admin API: {} {} refused: the key comes from {}", m, path, var);
      return true;
    }
  }
  if (!read_only_reason_.empty()) {
    // Never a 500: the store cannot take the change, and the answer says why.
    *out = JsonResponse(403, {{"error", read_only_reason_}, {"code", "KeysReadOnly"}});
    spdlog::warn("Key admin API: {} {} refused: the keys are read-only", m, path);
    return true;
  }
  std::string value;
  if (m == "PUT") {
    json body = json::parse(req.body, nullptr, false);
    auto v = body.is_object() ? body.find("value") : body.end();
    if (!body.is_object() || v == body.end() || !v->is_string()) {
      *out = TextResponse(400, "Invalid key value");
      return true;
    }
    value = v->get<std::string>();
  }
  // A shared store may hold changes of other hosts: change what it holds, and
  // again if another host writes between our read and our write.
  for (int attempt = 1;; ++attempt) {
    if (store_->shared()) {
      Status s = Refresh(scope, function);
      if (!s.ok()) {
        spdlog::error("Key admin API: cannot read the keys from {} before changing them: {}",
                      store_->Describe(), s.message());
        *out = EmptyResponse(500);
        return true;
      }
    }
    Status persisted;
    if (m == "DELETE") *out = Delete(scope, function, name, &persisted);
    else *out = Set(scope, function, name, m == "PUT" ? &value : nullptr, self, &persisted);
    if (!persisted.IsAborted() || !store_->shared() || attempt == 3) break;
    spdlog::info("Key admin API: another host changed the keys meanwhile; trying again");
  }
  return true;
}

}  // namespace pyfn
