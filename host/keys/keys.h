// Function keys (spec B3; docs/behaviour.md host-keys): the master key, host keys and
// per-function keys, checked for authLevel function/admin, and the key admin
// API with Azure's routes and bodies.
//
//   authLevel anonymous  anyone
//   authLevel function   the master key, any host key, or one of that function's keys
//   authLevel admin      the master key
//   extension webhooks   the master key or the system key named for the
//                        extension ("eventgrid_extension"; AuthorizeSystem)
// The key comes from the x-functions-key header, else the `code` query
// parameter. Comparison is constant time; a refused request gets a bare 401.
//
// Key admin API (every route needs the master key; others get 401):
//   GET    /admin/host/keys                 {"keys": [{"name", "value"}...], "links": [...]}
//   GET    /admin/host/keys/{name}          {"name", "value", "links"} or 404
//   PUT    /admin/host/keys/{name}          body {"name", "value"}: 201 created / 200 updated
//   POST   /admin/host/keys/{name}          a new random value: 201 / 200
//   DELETE /admin/host/keys/{name}          204, 404; names starting with '_' give 400
//   .../host/keys/_master                   PUT/POST replace the master key
//   /admin/host/functionkeys[...]           same as /admin/host/keys
//   /admin/host/systemkeys[...]             system keys ("eventgrid_extension" opens
//                                           /runtime/webhooks/eventgrid; EnsureSystemKey)
//   /admin/functions/{function}/keys[/{name}]  the same verbs for one function
//                                           (404 when there is no such function)
//   PUT/POST/DELETE with read-only keys     403 {"error": why, "code": "KeysReadOnly"}
//     (a read-only store: every change; PYFN_MASTER_KEY / PYFN_FUNCTION_KEY:
//     changes of `_master` / the host key `default` they give)
// Keys never reach the log: only names are logged.
//
// A shared store (SecretsStore::shared(): blob storage, several hosts) is the
// truth and memory a cache, as in Azure's SecretManager: the key admin API
// re-reads the secrets it lists or changes, and retries a change another host
// got in first (up to 3 times); a presented key that matches nothing reloads
// the host secrets and that function's secrets once, at most once a minute per
// function (Azure's throttle), so a key set on one host opens the others. The
// reload reads storage on the calling (HTTP) thread.
//
// Thread safety: every public method may be called from any thread; state is
// guarded by mu_ and every write goes to the SecretsStore before memory.
#ifndef PYFN_HOST_KEYS_H_
#define PYFN_HOST_KEYS_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "host/common/thread_annotations.h"
#include "host/keys/auth.h"
#include "host/keys/secrets_store.h"

namespace pyfn {

// 40 bytes from the kernel's CSPRNG (getrandom), base64url without padding
// (54 characters). Aborts the process if the kernel cannot give randomness.
std::string GenerateKey();

// True if a == b, in time that depends only on the lengths.
bool ConstantTimeEquals(const std::string& a, const std::string& b);

// The key a request presents: x-functions-key header, else `code` in `query`.
std::string PresentedKey(const HttpRequest& req, const std::map<std::string, std::string>& query);

class KeyManager : public Authorizer {
 public:
  // `master_override` / `host_key_override` (PYFN_MASTER_KEY / PYFN_FUNCTION_KEY,
  // may be empty) replace the stored master key / the host key "default" at
  // Initialize.
  KeyManager(std::unique_ptr<SecretsStore> store, std::string master_override,
             std::string host_key_override);

  // Loads the host secrets, creating them (random master key and host key
  // "default") when missing, and applies the overrides. The store's error
  // as is when it cannot be read or written.
  Status Initialize();

  // The function list is final: every function gets secrets (a random
  // "default" key) when it has none; secrets of functions that no longer
  // exist are deleted, so their keys stop working everywhere (not with a
  // shared store: another host may still serve them).
  // `keep`: functions the app has but does not run (host.json "functions"
  // leaves them out): their secrets are neither created nor deleted.
  // A read-only store (set_read_only) is never written: functions without
  // secrets there are opened by the host keys and the master key only.
  void SyncFunctions(const std::vector<FunctionSpec>& functions,
                     const std::vector<std::string>& keep = {});

  // The keys cannot be changed here: they come from a read-only secrets
  // directory (a mounted Kubernetes Secret). `reason` says where to change
  // them; the key admin API answers every PUT, POST and DELETE with 403 and
  // {"error": <reason>, "code": "KeysReadOnly"} (Azure answers 403 when its
  // secrets store refuses the write, e.g. Key Vault without write access).
  void set_read_only(std::string reason);
  const std::string& read_only_reason() const { return read_only_reason_; }

  // Shared stores: the least time between two reloads for one function after
  // a key matched nothing (default 1 minute, Azure's). For tests.
  void set_reload_interval(std::chrono::milliseconds d) { reload_interval_ = d; }

  bool Authorize(const FunctionSpec& fn, const HttpRequest& req,
                 const std::map<std::string, std::string>& query) const override;
  bool AuthorizeAdmin(const HttpRequest& req,
                      const std::map<std::string, std::string>& query) const override;
  // The master key, or the system key `key_name` (names compare ignoring case,
  // as Azure's claim check does). A miss reloads a shared store as Authorize does.
  bool AuthorizeSystem(const std::string& key_name, const HttpRequest& req,
                       const std::map<std::string, std::string>& query) const override;
  // Creates the system key `name` with a random value when the host secrets
  // lack it, as Azure's host does when an extension registers its webhook
  // (DefaultScriptWebHookProvider.GetOrCreateExtensionKey). A shared store is
  // re-read first (another host may have made it). OK when it exists; with
  // read-only keys NotFound saying so (nothing is written: the master key
  // still opens the webhook); the store's error when it cannot be written.
  Status EnsureSystemKey(const std::string& name);
  std::string StartupNotice(const std::vector<FunctionSpec>& functions) const override;

  // A key admin route? `path` is the request path without the query, as
  // received (case kept). Fills `out` and returns true if it is one; the
  // caller checked the master key first.
  bool HandleAdmin(const HttpRequest& req, const std::string& path, HttpResponse* out);

 private:
  struct FunctionEntry {
    std::string name;  // as the app spells it
    FunctionSecrets secrets;
  };
  enum class Scope { kHostFunction, kHostSystem, kFunction };

  // Does `key` open `fn` at `level` with the cached secrets? Takes mu_.
  bool Matches(const FunctionSpec& fn, const std::string& level, const std::string& key) const;

  // The lock is held for all of these.
  Status InitializeOnce() PYFN_REQUIRES(mu_);
  std::vector<Key>* KeysFor(Scope scope, const std::string& function) PYFN_REQUIRES(mu_);
  Status Persist(Scope scope, const std::string& function) PYFN_REQUIRES(mu_);
  // Shared store: replaces the cached secrets of `scope` with the stored ones.
  Status Refresh(Scope scope, const std::string& function) PYFN_REQUIRES(mu_);
  HttpResponse List(Scope scope, const std::string& function, const std::string& self)
      PYFN_REQUIRES(mu_);
  HttpResponse Get(Scope scope, const std::string& function, const std::string& name,
                   const std::string& self) PYFN_REQUIRES(mu_);
  // *persisted (optional): the store's answer when it was written to.
  HttpResponse Set(Scope scope, const std::string& function, const std::string& name,
                   const std::string* value, const std::string& self, Status* persisted)
      PYFN_REQUIRES(mu_);
  HttpResponse Delete(Scope scope, const std::string& function, const std::string& name,
                      Status* persisted) PYFN_REQUIRES(mu_);
  // Shared store, a key matched nothing: reloads the host secrets and those
  // of `function` ("" for admin) unless that was done less than
  // reload_interval_ ago. True when memory may have changed. Takes mu_.
  bool ReloadAfterMiss(const std::string& function) PYFN_EXCLUDES(mu_, reload_mu_);

  std::unique_ptr<SecretsStore> store_;
  const std::string master_override_;
  const std::string host_key_override_;
  std::chrono::milliseconds reload_interval_{60000};
  std::string read_only_reason_;  // set before serving; then only read

  mutable pyfn::Mutex mu_;
  HostSecrets host_ PYFN_GUARDED_BY(mu_);
  std::map<std::string, FunctionEntry> functions_ PYFN_GUARDED_BY(mu_);  // by lower-cased name
  uint64_t generation_ PYFN_GUARDED_BY(mu_) = 0;  // bumped whenever the cache is replaced

  pyfn::Mutex reload_mu_;
  // lower-cased function ("" = admin) -> last reload
  std::map<std::string, std::chrono::steady_clock::time_point> last_reload_
      PYFN_GUARDED_BY(reload_mu_);
};

}  // namespace pyfn

#endif  // PYFN_HOST_KEYS_H_
