// StorageRuntime: what the host's storage bindings and triggers share (spec B5-B7).
//
// It owns the one HTTP transport (Boost.Beast + OpenSSL, keep-alive, wrapped
// in Azure's retry rules), a blob, a queue and a table client per connection setting,
// and a small pool of threads that run storage calls so that neither the HTTP
// io threads nor the worker pool's threads ever block on the network. It also reads the
// host.json storage settings and answers the questions every binding asks:
// which account does `connection` name, what does a path expression resolve
// to for this invocation.
//
//   Host ──owns──▶ StorageRuntime ◀──uses── BlobBinding, QueueBinding, TableBinding (invoker.h)
//                                 ◀──uses── QueueTrigger, TimerTrigger, BlobTrigger
//
// Thread safe. Clients it hands out live as long as the runtime.
#ifndef PYFN_HOST_STORAGE_RUNTIME_H_
#define PYFN_HOST_STORAGE_RUNTIME_H_

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "FunctionRpc.pb.h"
#include "host/app/app_loader.h"
#include "host/app/function_model.h"
#include "host/common/status.h"
#include "host/common/thread_annotations.h"
#include "host/storage/binding_expression.h"
#include "host/storage/blob_client.h"
#include "host/storage/http.h"
#include "host/storage/queue_client.h"
#include "host/storage/status.h"
#include "host/storage/table_client.h"

namespace pyfn {

namespace rpc = ::AzureFunctionsRpcMessages;

// host.json extensions.queues, with Azure's defaults.
struct QueueSettings {
  int batch_size = 16;                 // 1..32
  int new_batch_threshold = -1;        // -1: batch_size / 2
  std::chrono::milliseconds max_polling_interval{60000};
  std::chrono::milliseconds visibility_timeout{0};  // between retries of a failed message
  int max_dequeue_count = 5;
  storage::MessageEncoding encoding = storage::MessageEncoding::kBase64;

  int threshold() const { return new_batch_threshold >= 0 ? new_batch_threshold : batch_size / 2; }
};

// host.json extensions.blobs (pyfn keeps Azure's names where Azure has them).
struct BlobSettings {
  int poison_threshold = 5;  // failures before webjobs-blobtrigger-poison (Azure: 5)
  std::chrono::milliseconds max_polling_interval{10000};  // scan backoff cap
};

// Parses host.json's extensions.queues / extensions.blobs. Errors name the
// setting. Intervals accept a TimeSpan ("00:00:02") or milliseconds (2000).
Status ParseQueueSettings(const nlohmann::json& host_json, QueueSettings* out);
Status ParseBlobSettings(const nlohmann::json& host_json, BlobSettings* out);

// A storage::Status as the host's Status (message kept: it names the account
// and the operation).
Status FromStorage(const storage::Status& s);

// The binding data an invocation offers to {expressions}: route parameters,
// query parameters, members of a JSON body, then trigger metadata (strings as
// they are, JSON values by their members; a queue message's JSON members too).
void BuildBindingData(const rpc::RpcHttp* http,
                      const std::map<std::string, rpc::TypedData>* trigger_metadata,
                      storage::BindingData* data);

// Resolves a binding's `key` ("path", "queueName") for one invocation. The
// error names the binding and the expression.
// %Setting% references are resolved first, with `settings`.
Status ResolveBindingProperty(const BindingSpec& binding, const char* key,
                              const storage::BindingData& data,
                              const storage::SettingLookup& settings, std::string* out);

// The app setting a binding's `connection` names: "" -> AzureWebJobsStorage;
// "X" -> X, else AzureWebJobsX (as Azure looks them up).
std::string ConnectionSettingName(const BindingSpec& binding);

class StorageRuntime {
 public:
  // env: the host's environment (local.settings.json merged). host_json: the
  // whole host.json. script_root: for the default host id. transport: null
  // for the real one (BeastTransport with Azure's retries); tests pass a
  // FakeTransport, which must outlive the runtime. `wrap_network`, when set,
  // wraps the real BeastTransport (under the retries): tracing's client spans.
  using NetworkWrapper =
      std::function<std::unique_ptr<storage::HttpTransport>(storage::HttpTransport* inner)>;
  StorageRuntime(Environment env, const nlohmann::json& host_json, const std::string& script_root,
                 storage::HttpTransport* transport = nullptr,
                 const NetworkWrapper& wrap_network = nullptr);
  ~StorageRuntime();  // stops the pool (pending tasks still run)

  // Load-time check of one function's storage bindings (spec L8): the
  // connection setting exists and parses, paths/queue names/schedules are
  // well formed. OK for functions without storage bindings.
  // `check_settings` false (pyfn-host --index): only what holds whatever the
  // app settings are; connection settings and %NAME% in schedules are not read.
  Status ValidateFunction(const FunctionSpec& fn, bool check_settings = true) const;

  // Clients for the account a binding's `connection` names. InvalidArgument
  // naming the setting when it is missing or malformed.
  Status BlobClientFor(const BindingSpec& binding, storage::BlobClient** client);
  Status QueueClientFor(const BindingSpec& binding, storage::QueueClient** client);
  // InvalidArgument too when the connection string names no table endpoint.
  Status TableClientFor(const BindingSpec& binding, storage::TableClient** client);
  // A client that sends message text as is (poison copies of undecodable messages).
  Status RawQueueClientFor(const BindingSpec& binding, storage::QueueClient** client);
  // Clients for a setting name directly (timer monitor / locks: AzureWebJobsStorage).
  // NotFound when the setting is not set.
  Status BlobClientForSetting(const std::string& setting, storage::BlobClient** client);
  // A client for the account of a container SAS URI held by `setting`
  // (AzureWebJobsSecretStorageSas), on the same transport; *container is the
  // URI's container. NotFound when the setting is not set, InvalidArgument
  // naming it when the URI is malformed (never showing the SAS).
  Status BlobClientForContainerSasUri(const std::string& setting, storage::BlobClient** client,
                                      std::string* container);

  // Creates the container / queue once per runtime (later calls are free).
  storage::Status EnsureContainer(storage::BlobClient* client, const std::string& container);
  storage::Status EnsureQueue(storage::QueueClient* client, const std::string& queue);

  // The transport the clients use (retries included); other bindings the
  // host performs over HTTP send with it too (Event Grid).
  storage::HttpTransport* transport() const { return transport_; }

  // Runs fn on one of the storage threads (at most 8, started as tasks come
  // and kept), with the caller's trace context (telemetry/tracer.h) current.
  // After Stop(), runs it inline.
  void Post(std::function<void()> fn);
  void Stop();

  // Output bindings tell triggers in this host that something was written,
  // so they poll at once (as Azure's SharedQueueWatcher / blob written watcher).
  using Watcher = std::function<void(const std::string& account, const std::string& name)>;
  int AddQueueWatcher(Watcher w);
  int AddBlobWatcher(Watcher w);
  void RemoveWatcher(int id);
  void NotifyQueueWritten(const std::string& account, const std::string& queue);
  void NotifyBlobWritten(const std::string& account, const std::string& container);

  const QueueSettings& queue_settings() const { return queue_settings_; }
  const BlobSettings& blob_settings() const { return blob_settings_; }
  const Status& settings_status() const { return settings_status_; }
  // AzureFunctionsWebHost__hostid, else WEBSITE_SITE_NAME, else a hash of
  // the machine name and script root: hosts sharing an app and an account
  // share locks, receipts and timer status.
  const std::string& host_id() const { return host_id_; }
  const Environment& env() const { return env_; }
  bool GetSetting(const std::string& name, std::string* value) const;
  storage::SettingLookup setting_lookup() const {
    return [this](const std::string& n, std::string* v) { return GetSetting(n, v); };
  }

 private:
  struct Account;
  Status AccountFor(const std::string& setting, Account** out);
  void RunPool();

  const Environment env_;
  QueueSettings queue_settings_;
  BlobSettings blob_settings_;
  Status settings_status_;
  std::string host_id_;

  std::unique_ptr<storage::HttpTransport> http_;
  std::unique_ptr<storage::HttpTransport> wrapped_;  // wrap_network(http_), or null
  std::unique_ptr<storage::HttpTransport> retrying_;
  storage::HttpTransport* transport_ = nullptr;  // retrying_, or the one given

  pyfn::Mutex mu_;
  std::map<std::string, std::unique_ptr<Account>> accounts_ PYFN_GUARDED_BY(mu_);  // by setting
  std::map<std::string, std::pair<std::string, std::unique_ptr<storage::BlobClient>>>
      sas_containers_ PYFN_GUARDED_BY(mu_);  // setting -> (container, client)
  std::set<std::string> ensured_ PYFN_GUARDED_BY(mu_);
  std::map<int, std::pair<bool, Watcher>> watchers_ PYFN_GUARDED_BY(mu_);  // id -> (is_queue, w)
  int next_watcher_ PYFN_GUARDED_BY(mu_) = 1;

  pyfn::Mutex pool_mu_;
  pyfn::CondVar pool_cv_;
  std::deque<std::function<void()>> tasks_ PYFN_GUARDED_BY(pool_mu_);
  bool stopping_ PYFN_GUARDED_BY(pool_mu_) = false;
  size_t idle_ PYFN_GUARDED_BY(pool_mu_) = 0;  // threads waiting for a task
  std::vector<std::thread> threads_ PYFN_GUARDED_BY(pool_mu_);  // started on demand
};

}  // namespace pyfn

#endif  // PYFN_HOST_STORAGE_RUNTIME_H_
