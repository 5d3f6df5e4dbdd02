#include "host/keys/secrets_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>

#include "host/common/strings.h"
#include "host/workers/trace_context.h"

namespace pyfn {
namespace {

using json = nlohmann::json;

json KeyJson(const Key& k) { return {{"name", k.name}, {"value", k.value}, {"encrypted", false}}; }

json KeysJson(const std::vector<Key>& keys) {
  json a = json::array();
  for (const auto& k : keys) a.push_back(KeyJson(k));
  return a;
}

void Footer(json* j, const std::string& host_name) {
  (*j)["hostName"] = host_name;
  (*j)["instanceId"] = NewUuid();
  (*j)["source"] = "runtime";
  (*j)["decryptionKeyId"] = "";
}

// One {"name", "value", "encrypted"}; false (and a log line) if unusable.
bool ParseKey(const json& j, const std::string& what, Key* out) {
  if (!j.is_object()) return false;
  auto name = j.find("name");
  auto value = j.find("value");
  if (name == j.end() || !name->is_string() || value == j.end() || !value->is_string()) {
    spdlog::error("{}: a key without a string name and value is ignored", what);
    return false;
  }
  auto enc = j.find("encrypted");
  if (enc != j.end() && enc->is_boolean() && enc->get<bool>()) {
    spdlog::error("{}: key '{}' is encrypted with a machine key pyfn does not have; it is "
                  "ignored (set it again with PUT on the key admin API)",
                  what, name->get<std::string>());
    return false;
  }
  out->name = name->get<std::string>();
  out->value = value->get<std::string>();
  return !out->value.empty();
}

void ParseKeyArray(const json& j, const char* field, const std::string& what,
                   std::vector<Key>* out) {
  auto it = j.find(field);
  if (it == j.end() || !it->is_array()) return;
  for (const auto& e : *it) {
    Key k;
    if (ParseKey(e, what, &k)) out->push_back(std::move(k));
  }
}

}  // namespace

std::string SecretsFileStem(const std::string& function) {
  std::string s = AsciiLower(function);
  for (char& c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'))
      c = '_';
  // "host" would be host.json.
  if (s.empty() || s[0] == '.' || s == "host") s = "_" + s;
  return s;
}

std::string FormatHostSecrets(const HostSecrets& s, const std::string& host_name) {
  json j;
  j["masterKey"] = KeyJson(s.master);
  j["functionKeys"] = KeysJson(s.function_keys);
  j["systemKeys"] = KeysJson(s.system_keys);
  Footer(&j, host_name);
  return j.dump(2);
}

Status ParseHostSecrets(const std::string& text, const std::string& what, HostSecrets* out) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Status::InvalidArgument(what + " is not a JSON object");
  *out = HostSecrets();
  auto m = j.find("masterKey");
  if (m == j.end() || !ParseKey(*m, what, &out->master))
    return Status::InvalidArgument(what + " has no usable masterKey");
  ParseKeyArray(j, "functionKeys", what, &out->function_keys);
  ParseKeyArray(j, "systemKeys", what, &out->system_keys);
  return Status::OK();
}

std::string FormatFunctionSecrets(const FunctionSecrets& s, const std::string& host_name) {
  json j;
  j["keys"] = KeysJson(s.keys);
  Footer(&j, host_name);
  return j.dump(2);
}

Status ParseFunctionSecrets(const std::string& text, const std::string& what,
                            FunctionSecrets* out) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Status::InvalidArgument(what + " is not a JSON object");
  *out = FunctionSecrets();
  ParseKeyArray(j, "keys", what, &out->keys);
  return Status::OK();
}

// ---- MemorySecretsStore

Status MemorySecretsStore::ReadHost(HostSecrets* out) {
  if (!have_host_) return Status::NotFound("no host secrets");
  *out = host_;
  return Status::OK();
}

Status MemorySecretsStore::WriteHost(const HostSecrets& s) {
  host_ = s;
  have_host_ = true;
  return Status::OK();
}

Status MemorySecretsStore::ReadFunction(const std::string& function, FunctionSecrets* out) {
  auto it = functions_.find(SecretsFileStem(function));
  if (it == functions_.end()) return Status::NotFound("no secrets for " + function);
  *out = it->second;
  return Status::OK();
}

Status MemorySecretsStore::WriteFunction(const std::string& function, const FunctionSecrets& s) {
  functions_[SecretsFileStem(function)] = s;
  return Status::OK();
}

Status MemorySecretsStore::DeleteFunction(const std::string& function) {
  functions_.erase(SecretsFileStem(function));
  return Status::OK();
}

std::vector<std::string> MemorySecretsStore::ListFunctions() {
  std::vector<std::string> out;
  for (const auto& kv : functions_) out.push_back(kv.first);
  return out;
}

// ---- FileSecretsStore

FileSecretsStore::FileSecretsStore(std::string dir, std::string host_name)
    : dir_(std::move(dir)), host_name_(std::move(host_name)) {}

std::string FileSecretsStore::PathFor(const std::string& stem) const {
  return dir_ + "/" + stem + ".json";
}

Status FileSecretsStore::ReadText(const std::string& path, std::string* text) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound(path);
    return Status::FromErrno("cannot read " + path, errno);
  }
  text->clear();
  char buf[8192];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return Status::FromErrno("cannot read " + path, err);
    }
    if (n == 0) break;
    text->append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return Status::OK();
}

Status FileSecretsStore::CheckWritable() {
  // mkdir -p with 0700 for what we create.
  std::string partial;
  for (size_t i = 0; i <= dir_.size(); ++i) {
    if (i == dir_.size() || (dir_[i] == '/' && i > 0)) {
      partial = dir_.substr(0, i);
      if (::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST)
        return Status::FromErrno("cannot create the secrets directory " + partial, errno);
    }
  }
  std::string probe = dir_ + "/.pyfn-write-test";
  int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::FromErrno("cannot write in the secrets directory " + dir_, errno);
  ::close(fd);
  ::unlink(probe.c_str());
  return Status::OK();
}

Status FileSecretsStore::WriteText(const std::string& path, const std::string& text) {
  Status s = CheckWritable();
  if (!s.ok()) return s;
  std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return Status::FromErrno("cannot write " + tmp, errno);
  ::fchmod(fd, 0600);  // in case it existed with another mode
  size_t off = 0;
  while (off < text.size()) {
    ssize_t n = ::write(fd, text.data() + off, text.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return Status::FromErrno("cannot write " + tmp, err);
    }
    off += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return Status::FromErrno("cannot write " + tmp, err);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return Status::FromErrno("cannot rename " + tmp + " to " + path, err);
  }
  return Status::OK();
}

Status FileSecretsStore::ReadHost(HostSecrets* out) {
  std::string text, path = PathFor("host");
  Status s = ReadText(path, &text);
  if (!s.ok()) return s;
  return ParseHostSecrets(text, path, out);
}

Status FileSecretsStore::WriteHost(const HostSecrets& s) {
  return WriteText(PathFor("host"), FormatHostSecrets(s, host_name_));
}

Status FileSecretsStore::ReadFunction(const std::string& function, FunctionSecrets* out) {
  std::string text, path = PathFor(SecretsFileStem(function));
  Status s = ReadText(path, &text);
  if (!s.ok()) return s;
  return ParseFunctionSecrets(text, path, out);
}

Status FileSecretsStore::WriteFunction(const std::string& function, const FunctionSecrets& s) {
  return WriteText(PathFor(SecretsFileStem(function)), FormatFunctionSecrets(s, host_name_));
}

Status FileSecretsStore::DeleteFunction(const std::string& function) {
  std::string path = PathFor(SecretsFileStem(function));
  if (::unlink(path.c_str()) != 0 && errno != ENOENT)
    return Status::FromErrno("cannot delete " + path, errno);
  return Status::OK();
}

std::vector<std::string> FileSecretsStore::ListFunctions() {
  std::vector<std::string> out;
  DIR* d = ::opendir(dir_.c_str());
  if (d == nullptr) return out;
  while (struct dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n.size() <= 5 || n.compare(n.size() - 5, 5, ".json") != 0) continue;
    n = n.substr(0, n.size() - 5);
    if (n == "host" || n[0] == '.') continue;
    out.push_back(n);
  }
  ::closedir(d);
  return out;
}

}  // namespace pyfn
