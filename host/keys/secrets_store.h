// Where function keys live: Azure's secrets files (spec B3; docs/behaviour.md host-keys).
//
// Format, as Azure's host writes it (AzureWebJobsSecretStorageType=files):
//   host.json        {"masterKey": {"name": "master", "value": ..., "encrypted": false},
//                     "functionKeys": [{"name", "value", "encrypted"}...],
//                     "systemKeys": [...], "hostName", "instanceId", "source", "decryptionKeyId"}
//   <function>.json  {"keys": [{"name", "value", "encrypted"}...], "hostName", ...}
// File names are the lower-cased function name. Keys with "encrypted": true
// were encrypted by Azure with a machine key pyfn does not have; they are
// skipped with an error naming the file and the key (never the value).
//
// SecretsStore is the touch point with the outside (after leveldb's Env):
// FileSecretsStore writes 0600 files atomically (temp file + rename) in a 0700
// directory; MemorySecretsStore is the fake for tests and the fallback when
// nothing can be persisted. Neither is thread safe: KeyManager serializes.
// BlobSecretsStore (blob_secrets_store.h) keeps them in Azure Blob Storage,
// shared by several hosts; shared stores are thread safe.
#ifndef PYFN_HOST_SECRETS_STORE_H_
#define PYFN_HOST_SECRETS_STORE_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "host/common/status.h"

namespace pyfn {

struct Key {
  std::string name;
  std::string value;
};

struct HostSecrets {
  Key master{"master", ""};
  std::vector<Key> function_keys;  // host keys: valid for every function-level function
  std::vector<Key> system_keys;    // kept as read; pyfn does not use them
};

struct FunctionSecrets {
  std::vector<Key> keys;
};

// A function name as its secrets file stem: lower-cased, characters other
// than [a-z0-9_.-] replaced by '_', "host" and names starting with '.'
// prefixed with '_'. Idempotent.
std::string SecretsFileStem(const std::string& function);

// JSON text <-> secrets. Parse errors name `what` (the file).
std::string FormatHostSecrets(const HostSecrets& s, const std::string& host_name);
Status ParseHostSecrets(const std::string& text, const std::string& what, HostSecrets* out);
std::string FormatFunctionSecrets(const FunctionSecrets& s, const std::string& host_name);
Status ParseFunctionSecrets(const std::string& text, const std::string& what,
                            FunctionSecrets* out);

class SecretsStore {
 public:
  virtual ~SecretsStore() = default;
  // NotFound when there are no host secrets yet.
  virtual Status ReadHost(HostSecrets* out) = 0;
  virtual Status WriteHost(const HostSecrets& s) = 0;
  // `function` is the function name (any case). NotFound when absent.
  virtual Status ReadFunction(const std::string& function, FunctionSecrets* out) = 0;
  virtual Status WriteFunction(const std::string& function, const FunctionSecrets& s) = 0;
  virtual Status DeleteFunction(const std::string& function) = 0;
  // The functions that have secrets, as SecretsFileStem() of their names.
  virtual std::vector<std::string> ListFunctions() = 0;
  // For the startup log: "files in /path" (never a key).
  virtual std::string Describe() const = 0;
  // True when other hosts read and write the same secrets (blob storage).
  // Such a store is thread safe, and a write another host got in first
  // answers Aborted (re-read and try again). KeyManager then re-reads before
  // each change, reloads when a presented key matches nothing, and keeps the
  // secrets of functions it does not know.
  virtual bool shared() const { return false; }
};

class MemorySecretsStore : public SecretsStore {
 public:
  Status ReadHost(HostSecrets* out) override;
  Status WriteHost(const HostSecrets& s) override;
  Status ReadFunction(const std::string& function, FunctionSecrets* out) override;
  Status WriteFunction(const std::string& function, const FunctionSecrets& s) override;
  Status DeleteFunction(const std::string& function) override;
  std::vector<std::string> ListFunctions() override;
  std::string Describe() const override { return "memory (not persisted)"; }

 private:
  bool have_host_ = false;
  HostSecrets host_;
  std::map<std::string, FunctionSecrets> functions_;  // by lower-cased name
};

class FileSecretsStore : public SecretsStore {
 public:
  // `dir` is created (0700) on the first write.
  FileSecretsStore(std::string dir, std::string host_name);
  Status ReadHost(HostSecrets* out) override;
  Status WriteHost(const HostSecrets& s) override;
  Status ReadFunction(const std::string& function, FunctionSecrets* out) override;
  Status WriteFunction(const std::string& function, const FunctionSecrets& s) override;
  Status DeleteFunction(const std::string& function) override;
  std::vector<std::string> ListFunctions() override;
  std::string Describe() const override { return "files in " + dir_; }

  // Creates the directory and checks that a file can be written there.
  Status CheckWritable();

 private:
  std::string PathFor(const std::string& file_stem) const;
  Status ReadText(const std::string& path, std::string* text);
  Status WriteText(const std::string& path, const std::string& text);

  const std::string dir_;
  const std::string host_name_;
};

}  // namespace pyfn

#endif  // PYFN_HOST_SECRETS_STORE_H_
