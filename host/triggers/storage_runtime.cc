#include "host/triggers/storage_runtime.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <memory>

#include "host/common/strings.h"
#include "host/storage/beast_transport.h"
#include "host/storage/blob_path.h"
#include "host/storage/connection_string.h"
#include "host/storage/encoding.h"
#include "host/storage/ncrontab.h"
#include "host/telemetry/tracer.h"

namespace pyfn {
namespace {

constexpr int kPoolThreads = 8;

// A TimeSpan string or a number of milliseconds.
Status ParseInterval(const nlohmann::json& v, const std::string& what,
                     std::chrono::milliseconds* out) {
  if (v.is_number()) {
    *out = std::chrono::milliseconds(v.get<int64_t>());
    return Status::OK();
  }
  if (v.is_string()) {
    std::optional<std::chrono::milliseconds> d;
    Status s = ParseTimeSpan(v.get<std::string>(), &d);
    if (s.ok() && d) {
      *out = *d;
      return Status::OK();
    }
  }
  return Status::InvalidArgument("host.json " + what + ": expected a TimeSpan (\"00:00:02\") or "
                                 "milliseconds, got " + v.dump());
}

Status ParseInt(const nlohmann::json& v, const std::string& what, int lo, int hi, int* out) {
  if (v.is_number_integer()) {
    int64_t x = v.get<int64_t>();
    if (x >= lo && x <= hi) {
      *out = static_cast<int>(x);
      return Status::OK();
    }
  }
  if (v.is_string()) {  // host.json values are sometimes strings
    try {
      size_t used = 0;
      int x = std::stoi(v.get<std::string>(), &used);
      if (used == v.get<std::string>().size() && x >= lo && x <= hi) {
        *out = x;
        return Status::OK();
      }
    } catch (...) {
    }
  }
  return Status::InvalidArgument("host.json " + what + " must be an integer from " +
                                 std::to_string(lo) + " to " + std::to_string(hi) + ", got " +
                                 v.dump());
}

const nlohmann::json* Section(const nlohmann::json& host_json, const char* name) {
  if (!host_json.is_object()) return nullptr;
  auto ext = host_json.find("extensions");
  if (ext == host_json.end() || !ext->is_object()) return nullptr;
  for (auto it = ext->begin(); it != ext->end(); ++it)
    if (AsciiLower(it.key()) == name && it->is_object()) return &*it;
  return nullptr;
}

const nlohmann::json* Member(const nlohmann::json& obj, const char* name) {
  for (auto it = obj.begin(); it != obj.end(); ++it)
    if (AsciiLower(it.key()) == AsciiLower(name)) return &*it;
  return nullptr;
}

std::string StringProp(const BindingSpec& b, const char* key) {
  const nlohmann::json* v = b.raw.is_object() ? Member(b.raw, key) : nullptr;
  return v && v->is_string() ? v->get<std::string>() : "";
}

// A table binding's properties (Azure's TableAttribute rules): tableName
// present and, without expressions, a valid table name; an input's rowKey
// only with a partitionKey; take an integer; expressions well formed.
Status ValidateTableBinding(const BindingSpec& b) {
  std::string table = StringProp(b, "tableName");
  if (table.empty()) return Status::InvalidArgument("has no 'tableName'");
  std::vector<std::string> names;
  for (const char* key : {"tableName", "partitionKey", "rowKey", "filter"}) {
    storage::Status s = storage::BindingParameters(StringProp(b, key), &names);
    if (!s.ok()) return Status::InvalidArgument(std::string(key) + ": " + s.message());
  }
  if (table.find_first_of("{%") == std::string::npos && !storage::IsValidTableName(table))
    return Status::InvalidArgument("tableName '" + table + "' is not a valid table name (3-63 "
                                   "letters and digits, starting with a letter)");
  if (!StringProp(b, "rowKey").empty() && StringProp(b, "partitionKey").empty() &&
      b.direction != BindingDirection::kOut)
    return Status::InvalidArgument("a rowKey needs a partitionKey");
  const nlohmann::json* take = b.raw.is_object() ? Member(b.raw, "take") : nullptr;
  if (take != nullptr && !take->is_null()) {
    bool ok = take->is_number_integer();
    if (take->is_string()) {
      const std::string& t = take->get_ref<const std::string&>();
      ok = !t.empty() && t.find_first_not_of("-0123456789") == std::string::npos;
    }
    if (!ok) return Status::InvalidArgument("take must be an integer, got " + take->dump());
  }
  return Status::OK();
}

bool IsStorageBinding(const BindingSpec& b) {
  return b.IsType("blob") || b.IsType("blobTrigger") || b.IsType("queue") ||
         b.IsType("queueTrigger") || b.IsType("table");
}

std::string TypedText(const rpc::TypedData& d) {
  switch (d.data_case()) {
    case rpc::TypedData::kString: return d.string();
    case rpc::TypedData::kJson: return d.json();
    case rpc::TypedData::kBytes: return d.bytes();
    case rpc::TypedData::kInt: return std::to_string(d.int_());
    case rpc::TypedData::kDouble: {
      nlohmann::json j = d.double_();
      return j.dump();
    }
    default: return "";
  }
}

}  // namespace

Status ParseQueueSettings(const nlohmann::json& host_json, QueueSettings* out) {
  *out = QueueSettings();
  const nlohmann::json* q = Section(host_json, "queues");
  if (q == nullptr) return Status::OK();
  Status s;
  if (auto v = Member(*q, "batchSize"); v && s.ok())
    s = ParseInt(*v, "extensions.queues.batchSize", 1, 32, &out->batch_size);
  if (auto v = Member(*q, "newBatchThreshold"); v && s.ok())
    s = ParseInt(*v, "extensions.queues.newBatchThreshold", 0, 100000, &out->new_batch_threshold);
  if (auto v = Member(*q, "maxDequeueCount"); v && s.ok())
    s = ParseInt(*v, "extensions.queues.maxDequeueCount", 1, 100000, &out->max_dequeue_count);
  if (auto v = Member(*q, "maxPollingInterval"); v && s.ok()) {
    s = ParseInterval(*v, "extensions.queues.maxPollingInterval", &out->max_polling_interval);
    if (s.ok() && out->max_polling_interval < std::chrono::milliseconds(100))
      s = Status::InvalidArgument(
          "host.json extensions.queues.maxPollingInterval must be at least 100 ms");
  }
  if (auto v = Member(*q, "visibilityTimeout"); v && s.ok())
    s = ParseInterval(*v, "extensions.queues.visibilityTimeout", &out->visibility_timeout);
  if (auto v = Member(*q, "messageEncoding"); v && s.ok()) {
    std::string e = v->is_string() ? AsciiLower(v->get<std::string>()) : "";
    if (e == "base64") out->encoding = storage::MessageEncoding::kBase64;
    else if (e == "none") out->encoding = storage::MessageEncoding::kNone;
    else
      s = Status::InvalidArgument("host.json extensions.queues.messageEncoding must be "
                                  "\"base64\" or \"none\", got " + v->dump());
  }
  return s;
}

Status ParseBlobSettings(const nlohmann::json& host_json, BlobSettings* out) {
  *out = BlobSettings();
  const nlohmann::json* b = Section(host_json, "blobs");
  if (b == nullptr) return Status::OK();
  Status s;
  if (auto v = Member(*b, "poisonBlobThreshold"); v && s.ok())
    s = ParseInt(*v, "extensions.blobs.poisonBlobThreshold", 1, 100000, &out->poison_threshold);
  if (auto v = Member(*b, "maxPollingInterval"); v && s.ok())
    s = ParseInterval(*v, "extensions.blobs.maxPollingInterval", &out->max_polling_interval);
  return s;
}

Status FromStorage(const storage::Status& s) {
  if (s.ok()) return Status::OK();
  if (s.IsNotFound()) return Status::NotFound(s.message());
  if (s.IsInvalidArgument()) return Status::InvalidArgument(s.message());
  if (s.IsTransient()) return Status::Unavailable(s.message());
  return Status::IOError(s.message());
}

void BuildBindingData(const rpc::RpcHttp* http,
                      const std::map<std::string, rpc::TypedData>* trigger_metadata,
                      storage::BindingData* data) {
  if (http != nullptr) {
    for (const auto& kv : http->params()) data->Set(kv.first, kv.second);
    for (const auto& kv : http->query())
      if (!http->params().count(kv.first)) data->Set(kv.first, kv.second);
    std::string body;
    if (http->has_body()) body = TypedText(http->body());
    if (body.empty() && http->has_rawbody()) body = TypedText(http->rawbody());
    if (!body.empty() && (body[0] == '{' || body[0] == ' ' || body[0] == '\n')) {
      nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
      if (j.is_object()) data->AddJson(j);
    }
  }
  if (trigger_metadata != nullptr) {
    for (const auto& kv : *trigger_metadata) {
      const rpc::TypedData& d = kv.second;
      if (d.data_case() == rpc::TypedData::kJson) {
        nlohmann::json j = nlohmann::json::parse(d.json(), nullptr, false);
        if (j.is_string()) data->Set(kv.first, j.get<std::string>());
        else if (!j.is_discarded() && !j.is_object()) data->Set(kv.first, j.dump());
        else if (j.is_object()) data->AddJson(nlohmann::json{{kv.first, j}});
      } else if (d.data_case() != rpc::TypedData::kHttp) {
        data->Set(kv.first, TypedText(d));
      }
    }
    // A queue message whose text is a JSON object offers its members
    // ({orderId}), as Azure's queue trigger does.
    auto q = trigger_metadata->find("QueueTrigger");
    if (q != trigger_metadata->end()) {
      std::string text = TypedText(q->second);
      if (!text.empty() && text[0] == '{') {
        nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
        if (j.is_object()) data->AddJson(j);
      }
    }
  }
}

Status ResolveBindingProperty(const BindingSpec& binding, const char* key,
                              const storage::BindingData& data,
                              const storage::SettingLookup& settings, std::string* out) {
  std::string text = StringProp(binding, key);
  if (text.empty())
    return Status::InvalidArgument("binding '" + binding.name + "' has no '" + key + "'");
  storage::Status s;
  if (text.find('%') != std::string::npos && settings) {
    std::string with_settings;
    s = storage::ResolveAppSettings(text, settings, &with_settings);
    if (!s.ok()) return Status::InvalidArgument("binding '" + binding.name + "': " + s.message());
    text = with_settings;
  }
  s = storage::ResolveBindingExpression(text, data, out);
  if (!s.ok()) return Status::InvalidArgument("binding '" + binding.name + "': " + s.message());
  return Status::OK();
}

std::string ConnectionSettingName(const BindingSpec& binding) {
  std::string c = StringProp(binding, "connection");
  return c.empty() ? "AzureWebJobsStorage" : c;
}

struct StorageRuntime::Account {
  storage::StorageAccount account;
  std::unique_ptr<storage::BlobClient> blob;
  std::unique_ptr<storage::QueueClient> queue;
  std::unique_ptr<storage::QueueClient> raw_queue;
  std::unique_ptr<storage::TableClient> table;
};

StorageRuntime::StorageRuntime(Environment env, const nlohmann::json& host_json,
                               const std::string& script_root, storage::HttpTransport* transport,
                               const NetworkWrapper& wrap_network)
    : env_(std::move(env)) {
  settings_status_ = ParseQueueSettings(host_json, &queue_settings_);
  if (settings_status_.ok()) settings_status_ = ParseBlobSettings(host_json, &blob_settings_);
  std::string id;
  if (GetSetting("AzureFunctionsWebHost__hostid", &id) && !id.empty()) {
    host_id_ = AsciiLower(id);
  } else if (GetSetting("WEBSITE_SITE_NAME", &id) && !id.empty()) {
    host_id_ = AsciiLower(id).substr(0, 32);
  } else {
    char buf[256] = {0};
    if (::gethostname(buf, sizeof buf - 1) != 0) buf[0] = 0;
    size_t h = std::hash<std::string>()(std::string(buf) + "|" + script_root);
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016zx", h);
    host_id_ = "pyfn-" + std::string(hex);
  }
  while (!host_id_.empty() && host_id_.back() == '-') host_id_.pop_back();
  if (transport != nullptr) {
    transport_ = transport;
  } else {
    storage::TransportOptions options;
    options.user_agent = "pyfn-host/" PYFN_VERSION;
    http_ = std::make_unique<storage::BeastTransport>(options);
    if (wrap_network) wrapped_ = wrap_network(http_.get());
    retrying_ = std::make_unique<storage::RetryingTransport>(
        wrapped_ ? wrapped_.get() : http_.get(), storage::RetryOptions());
    transport_ = retrying_.get();
  }
  // The pool's threads start with the first tasks (Post): an app without
  // storage triggers or bindings never runs any.
}

StorageRuntime::~StorageRuntime() { Stop(); }

void StorageRuntime::Stop() {
  {
    pyfn::MutexLock l(pool_mu_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  pool_cv_.notify_all();
  std::vector<std::thread> threads;
  {
    pyfn::MutexLock l(pool_mu_);
    threads.swap(threads_);  // no more are started once stopping_ is set
  }
  for (auto& t : threads)
    if (t.joinable()) t.join();
}

void StorageRuntime::RunPool() {
  while (true) {
    std::function<void()> task;
    {
      pyfn::MutexLock l(pool_mu_);
      ++idle_;
      pool_cv_.wait(l, [&]() PYFN_REQUIRES(pool_mu_) { return stopping_ || !tasks_.empty(); });
      --idle_;
      if (tasks_.empty()) return;  // stopping and drained
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }
}

void StorageRuntime::Post(std::function<void()> fn) {
  fn = telemetry::BindContext(std::move(fn));
  {
    pyfn::MutexLock l(pool_mu_);
    if (!stopping_) {
      tasks_.push_back(std::move(fn));
      // A new thread when the waiting ones cannot take every queued task.
      if (tasks_.size() > idle_ && threads_.size() < static_cast<size_t>(kPoolThreads))
        threads_.emplace_back([this] { RunPool(); });
      else
        pool_cv_.notify_one();
      return;
    }
  }
  fn();
}

bool StorageRuntime::GetSetting(const std::string& name, std::string* value) const {
  auto it = env_.find(name);
  if (it != env_.end()) {
    *value = it->second;
    return true;
  }
  // Settings are case-insensitive in Azure (Windows environment); accept that.
  for (const auto& kv : env_)
    if (AsciiLower(kv.first) == AsciiLower(name)) {
      *value = kv.second;
      return true;
    }
  return false;
}

Status StorageRuntime::AccountFor(const std::string& setting, Account** out) {
  pyfn::MutexLock l(mu_);
  auto it = accounts_.find(setting);
  if (it != accounts_.end()) {
    *out = it->second.get();
    return Status::OK();
  }
  std::string name = setting, text;
  bool found = GetSetting(setting, &text) && !text.empty();
  if (!found && AsciiLower(setting).rfind("azurewebjobs", 0) != 0) {
    name = "AzureWebJobs" + setting;
    found = GetSetting(name, &text) && !text.empty();
  }
  if (!found) {
    std::string hint;
    std::string ignored;
    if (GetSetting(setting + "__serviceUri", &ignored) ||
        GetSetting(setting + "__blobServiceUri", &ignored) ||
        GetSetting(setting + "__queueServiceUri", &ignored))
      hint = " (identity-based connections are not supported; give a connection string)";
    return Status::NotFound("the storage connection setting '" + setting +
                            "' is not set (add it to the app settings or local.settings.json "
                            "Values" + (hint.empty() ? ")" : ")" + hint));
  }
  auto acc = std::make_unique<Account>();
  storage::Status s = storage::ParseConnectionString(text, &acc->account);
  if (!s.ok())
    return Status::InvalidArgument("the storage connection setting '" + name +
                                   "' is malformed: " + s.message());
  acc->blob = std::make_unique<storage::BlobClient>(acc->account, transport_);
  storage::QueueClientOptions qo;
  qo.encoding = queue_settings_.encoding;
  acc->queue = std::make_unique<storage::QueueClient>(acc->account, transport_, qo);
  qo.encoding = storage::MessageEncoding::kNone;
  acc->raw_queue = std::make_unique<storage::QueueClient>(acc->account, transport_, qo);
  acc->table = std::make_unique<storage::TableClient>(acc->account, transport_);
  *out = acc.get();
  accounts_[setting] = std::move(acc);
  return Status::OK();
}

Status StorageRuntime::BlobClientFor(const BindingSpec& binding, storage::BlobClient** client) {
  Account* a = nullptr;
  Status s = AccountFor(ConnectionSettingName(binding), &a);
  if (s.ok()) *client = a->blob.get();
  return s;
}

Status StorageRuntime::QueueClientFor(const BindingSpec& binding, storage::QueueClient** client) {
  Account* a = nullptr;
  Status s = AccountFor(ConnectionSettingName(binding), &a);
  if (s.ok() && a->account.queue_endpoint.empty())
    s = Status::InvalidArgument("the storage connection setting '" +
                                ConnectionSettingName(binding) + "' names no queue endpoint");
  if (s.ok()) *client = a->queue.get();
  return s;
}

Status StorageRuntime::TableClientFor(const BindingSpec& binding, storage::TableClient** client) {
  Account* a = nullptr;
  Status s = AccountFor(ConnectionSettingName(binding), &a);
  if (s.ok() && a->account.table_endpoint.empty())
    s = Status::InvalidArgument("the storage connection setting '" +
                                ConnectionSettingName(binding) + "' names no table endpoint");
  if (s.ok()) *client = a->table.get();
  return s;
}

Status StorageRuntime::RawQueueClientFor(const BindingSpec& binding,
                                         storage::QueueClient** client) {
  Account* a = nullptr;
  Status s = AccountFor(ConnectionSettingName(binding), &a);
  if (s.ok()) *client = a->raw_queue.get();
  return s;
}

Status StorageRuntime::BlobClientForSetting(const std::string& setting,
                                            storage::BlobClient** client) {
  Account* a = nullptr;
  Status s = AccountFor(setting, &a);
  if (s.ok()) *client = a->blob.get();
  return s;
}

Status StorageRuntime::BlobClientForContainerSasUri(const std::string& setting,
                                                    storage::BlobClient** client,
                                                    std::string* container) {
  pyfn::MutexLock l(mu_);
  auto it = sas_containers_.find(setting);
  if (it == sas_containers_.end()) {
    std::string uri;
    if (!GetSetting(setting, &uri) || uri.empty())
      return Status::NotFound("the setting '" + setting + "' is not set");
    storage::StorageAccount account;
    std::string name;
    storage::Status s = storage::ParseContainerSasUri(uri, &account, &name);
    if (!s.ok())
      return Status::InvalidArgument("the setting '" + setting + "' is malformed: " + s.message());
    auto c = std::make_unique<storage::BlobClient>(account, transport_);
    it = sas_containers_.emplace(setting, std::make_pair(name, std::move(c))).first;
  }
  *client = it->second.second.get();
  *container = it->second.first;
  return Status::OK();
}

storage::Status StorageRuntime::EnsureContainer(storage::BlobClient* client,
                                                const std::string& container) {
  std::string key = "b|" + client->account().blob_endpoint + "|" + container;
  {
    pyfn::MutexLock l(mu_);
    if (ensured_.count(key)) return storage::Status::OK();
  }
  storage::Status s = client->CreateContainer(container);
  if (s.ok()) {
    pyfn::MutexLock l(mu_);
    ensured_.insert(key);
  }
  return s;
}

storage::Status StorageRuntime::EnsureQueue(storage::QueueClient* client,
                                            const std::string& queue) {
  std::string key = "q|" + client->account().queue_endpoint + "|" + queue;
  {
    pyfn::MutexLock l(mu_);
    if (ensured_.count(key)) return storage::Status::OK();
  }
  storage::Status s = client->CreateQueue(queue);
  if (s.ok()) {
    pyfn::MutexLock l(mu_);
    ensured_.insert(key);
  }
  return s;
}

int StorageRuntime::AddQueueWatcher(Watcher w) {
  pyfn::MutexLock l(mu_);
  watchers_[next_watcher_] = {true, std::move(w)};
  return next_watcher_++;
}

int StorageRuntime::AddBlobWatcher(Watcher w) {
  pyfn::MutexLock l(mu_);
  watchers_[next_watcher_] = {false, std::move(w)};
  return next_watcher_++;
}

void StorageRuntime::RemoveWatcher(int id) {
  pyfn::MutexLock l(mu_);
  watchers_.erase(id);
}

void StorageRuntime::NotifyQueueWritten(const std::string& account, const std::string& queue) {
  std::vector<Watcher> ws;
  {
    pyfn::MutexLock l(mu_);
    for (auto& kv : watchers_)
      if (kv.second.first) ws.push_back(kv.second.second);
  }
  for (auto& w : ws) w(account, queue);
}

void StorageRuntime::NotifyBlobWritten(const std::string& account, const std::string& container) {
  std::vector<Watcher> ws;
  {
    pyfn::MutexLock l(mu_);
    for (auto& kv : watchers_)
      if (!kv.second.first) ws.push_back(kv.second.second);
  }
  for (auto& w : ws) w(account, container);
}

Status StorageRuntime::ValidateFunction(const FunctionSpec& fn, bool check_settings) const {
  for (const BindingSpec& b : fn.bindings) {
    std::string label = "binding '" + b.name + "' (" + b.type + ")";
    if (IsStorageBinding(b) && check_settings) {
      // The connection must name a usable account now, not at the first call.
      Account* a = nullptr;
      Status s = const_cast<StorageRuntime*>(this)->AccountFor(ConnectionSettingName(b), &a);
      if (!s.ok()) return Status::InvalidArgument(label + ": " + s.message());
      if ((b.IsType("queue") || b.IsType("queueTrigger")) && a->account.queue_endpoint.empty())
        return Status::InvalidArgument(label + ": the storage connection setting '" +
                                       ConnectionSettingName(b) + "' names no queue endpoint");
      if (b.IsType("table") && a->account.table_endpoint.empty())
        return Status::InvalidArgument(label + ": the storage connection setting '" +
                                       ConnectionSettingName(b) + "' names no table endpoint");
    }
    if (b.IsType("table")) {
      Status s = ValidateTableBinding(b);
      if (!s.ok()) return Status::InvalidArgument(label + ": " + s.message());
    }
    if (b.IsType("blob") || b.IsType("blobTrigger")) {
      std::string path = StringProp(b, "path");
      if (path.empty()) return Status::InvalidArgument(label + " has no 'path'");
      std::vector<std::string> names;
      storage::Status s = storage::BindingParameters(path, &names);
      if (!s.ok()) return Status::InvalidArgument(label + ": " + s.message());
      if (b.IsType("blobTrigger")) {
        storage::BlobPathPattern p;
        s = storage::BlobPathPattern::Parse(path, &p);
        if (!s.ok()) return Status::InvalidArgument(label + ": " + s.message());
      } else if (path.find('/') == std::string::npos || path[0] == '/') {
        return Status::InvalidArgument(label + ": path '" + path +
                                       "' must be <container>/<blob name>");
      }
    }
    if (b.IsType("queue") || b.IsType("queueTrigger")) {
      std::string q = StringProp(b, "queueName");
      if (q.empty()) return Status::InvalidArgument(label + " has no 'queueName'");
      if (b.IsType("queueTrigger") && q.find('{') != std::string::npos)
        return Status::InvalidArgument(label + ": a trigger's queueName cannot hold an "
                                       "expression ('" + q + "')");
    }
    if (b.IsType("timerTrigger")) {
      std::string sched = StringProp(b, "schedule");
      if (sched.empty()) return Status::InvalidArgument(label + " has no 'schedule'");
      if (!check_settings && sched.find('%') != std::string::npos) continue;
      std::string resolved;
      storage::Status s = storage::ResolveAppSettings(
          sched,
          [this](const std::string& n, std::string* v) { return GetSetting(n, v); }, &resolved);
      if (!s.ok()) return Status::InvalidArgument(label + ": " + s.message());
      std::unique_ptr<storage::Schedule> parsed;
      s = storage::ParseSchedule(resolved, &parsed);
      if (!s.ok()) return Status::InvalidArgument(label + ": " + s.message());
    }
  }
  return Status::OK();
}

}  // namespace pyfn
