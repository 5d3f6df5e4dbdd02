#include "host/triggers/blob_trigger.h"

#include <spdlog/spdlog.h>

#include <set>
#include <thread>

#include "host/common/text_encoding.h"
#include "host/storage/blob_path.h"
#include "host/storage/encoding.h"
#include "host/triggers/trigger_schedule.h"
#include "host/triggers/trigger_util.h"

namespace pyfn {
namespace {

constexpr const char* kHostsContainer = "azure-webjobs-hosts";
constexpr const char* kPoisonQueue = "webjobs-blobtrigger-poison";
constexpr int kReceiptLeaseSeconds = 60;

std::string Unquote(std::string etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"')
    etag = etag.substr(1, etag.size() - 2);
  return etag;
}

}  // namespace

std::string BlobTrigger::ReceiptName(const std::string& host_id, const std::string& function,
                                     const std::string& etag, const std::string& container,
                                     const std::string& blob) {
  return "blobreceipts/" + host_id + "/" + FunctionFullName(function) + "/" + Unquote(etag) +
         "/BlockBlob/" + container + "/" + blob;
}

struct BlobTrigger::State : std::enable_shared_from_this<BlobTrigger::State> {
  StorageRuntime* rt = nullptr;
  Invoker* invoker = nullptr;
  std::string function;
  BindingSpec binding;
  storage::BlobPathPattern pattern;
  storage::BlobClient* client = nullptr;    // the trigger's account
  storage::BlobClient* receipts = nullptr;  // AzureWebJobsStorage (or the same)
  storage::QueueClient* queue = nullptr;    // for the poison queue
  std::shared_ptr<Waker> waker = std::make_shared<Waker>();
  std::thread thread;
  int watcher = 0;
  std::set<std::string> done;  // name + "\n" + etag known to be completed (poll thread only)

  void Run();
  // Returns true when it ran the function (so the scan found work).
  bool Process(const storage::BlobItem& item, bool* failed);
  void Poison(const storage::BlobItem& item, int failures);
};

BlobTrigger::BlobTrigger(StorageRuntime* runtime, Invoker* invoker, const FunctionSpec& fn)
    : state_(std::make_shared<State>()) {
  state_->rt = runtime;
  state_->invoker = invoker;
  state_->function = fn.name;
  if (fn.trigger()) state_->binding = *fn.trigger();
}

BlobTrigger::~BlobTrigger() { Stop(); }

Status BlobTrigger::Start() {
  State* s = state_.get();
  std::string path = s->binding.raw.value("path", std::string()), resolved;
  storage::Status ss = storage::ResolveAppSettings(path, s->rt->setting_lookup(), &resolved);
  if (ss.ok()) ss = storage::BlobPathPattern::Parse(resolved, &s->pattern);
  if (!ss.ok()) return Status::InvalidArgument(ss.message());
  Status st = s->rt->BlobClientFor(s->binding, &s->client);
  if (st.ok()) st = s->rt->QueueClientFor(s->binding, &s->queue);
  if (!st.ok()) return st;
  if (!s->rt->BlobClientForSetting("AzureWebJobsStorage", &s->receipts).ok())
    s->receipts = s->client;
  std::weak_ptr<State> weak = state_;
  s->watcher = s->rt->AddBlobWatcher([weak](const std::string& account, const std::string& c) {
    auto self = weak.lock();
    if (self && c == self->pattern.container() && account == self->client->account().name)
      self->waker->Wake();
  });
  spdlog::info("Blob trigger for 'Functions.{}' watches '{}' in account {}", s->function,
               s->pattern.pattern(), s->client->account().name);
  auto self = state_;
  s->thread = std::thread([self] { self->Run(); });
  return Status::OK();
}

void BlobTrigger::Stop() {
  if (!state_) return;
  state_->waker->Stop();
  if (state_->thread.joinable()) state_->thread.join();
  if (state_->watcher) state_->rt->RemoveWatcher(state_->watcher);
  state_->watcher = 0;
}

void BlobTrigger::State::Run() {
  using std::chrono::milliseconds;
  bool failing = false;
  PollBackoff backoff(rt->blob_settings().max_polling_interval);
  while (!waker->stopped()) {
    bool worked = false, any_failed = false;
    storage::ListBlobsOptions lo;
    lo.prefix = pattern.blob_prefix();
    lo.include_metadata = true;
    storage::Status s;
    do {
      storage::ListBlobsResult page;
      s = client->ListBlobs(pattern.container(), lo, &page);
      if (!s.ok()) break;
      for (const auto& item : page.blobs) {
        if (waker->stopped()) return;
        if (!pattern.Match(item.name)) continue;
        if (done.count(item.name + "\n" + Unquote(item.properties.etag))) continue;
        bool failed = false;
        if (Process(item, &failed)) worked = true;
        any_failed = any_failed || failed;
      }
      lo.marker = page.next_marker;
    } while (!lo.marker.empty());
    if (!s.ok() && !s.IsNotFound()) {
      if (!failing)
        spdlog::warn("Blob trigger for 'Functions.{}': scanning '{}' failed: {}; backing off "
                     "until storage answers",
                     function, pattern.container(), s.message());
      failing = true;
    } else if (failing) {
      spdlog::info("Blob trigger for 'Functions.{}': container '{}' is reachable again", function,
                   pattern.container());
      failing = false;
    }
    if (worked && !any_failed) {
      backoff.Reset();
      continue;
    }
    milliseconds delay = any_failed ? backoff.AtLeast(milliseconds(1000)) : backoff.Idle();
    if (!waker->WaitFor(delay)) return;
  }
}

bool BlobTrigger::State::Process(const storage::BlobItem& item, bool* failed) {
  const std::string& container = pattern.container();
  const std::string key = item.name + "\n" + Unquote(item.properties.etag);
  std::string receipt =
      BlobTrigger::ReceiptName(rt->host_id(), function, item.properties.etag, container, item.name);
  storage::BlobProperties rp;
  storage::Status s = receipts->GetBlobProperties(kHostsContainer, receipt, &rp);
  if (s.ok() && rp.metadata.count("completed") && rp.metadata["completed"] == "true") {
    done.insert(key);
    return false;
  }
  if (s.IsNotFound()) {
    s = rt->EnsureContainer(receipts, kHostsContainer);
    storage::PutBlobOptions po;
    po.if_none_match = "*";
    if (s.ok()) s = receipts->PutBlob(kHostsContainer, receipt, "", po);
    if (s.IsConflict() || s.IsPreconditionFailed()) s = storage::Status::OK();
  }
  std::string lease;
  if (s.ok())
    s = receipts->AcquireLease(kHostsContainer, receipt, kReceiptLeaseSeconds, storage::NewGuid(),
                               &lease);
  if (s.IsConflict()) {  // another host is on it
    spdlog::debug("Blob trigger for 'Functions.{}': {}/{} is leased by another host", function,
                  container, item.name);
    return false;
  }
  if (!s.ok()) {
    spdlog::warn("Blob trigger for 'Functions.{}': receipt for {}/{}: {}", function, container,
                 item.name, s.message());
    *failed = true;
    return false;
  }
  auto finish = [&](std::map<std::string, std::string> metadata) {
    storage::PutBlobOptions po;
    po.lease_id = lease;
    po.metadata = std::move(metadata);
    storage::Status ws = receipts->PutBlob(kHostsContainer, receipt, "", po);
    if (!ws.ok())
      spdlog::warn("Blob trigger for 'Functions.{}': updating the receipt of {}/{} failed: {}",
                   function, container, item.name, ws.message());
    receipts->ReleaseLease(kHostsContainer, receipt, lease);
  };
  s = receipts->GetBlobProperties(kHostsContainer, receipt, &rp);
  if (s.ok() && rp.metadata.count("completed") && rp.metadata["completed"] == "true") {
    receipts->ReleaseLease(kHostsContainer, receipt, lease);
    done.insert(key);
    return false;
  }
  int failures = 0;
  if (s.ok() && rp.metadata.count("failurecount"))
    failures = std::atoi(rp.metadata["failurecount"].c_str());

  std::string body;
  storage::BlobProperties props;
  s = client->GetBlob(container, item.name, &body, &props);
  if (s.IsNotFound() || (s.ok() && Unquote(props.etag) != Unquote(item.properties.etag))) {
    // Deleted or changed since the listing: the new version gets its own receipt.
    spdlog::debug("Blob trigger for 'Functions.{}': {}/{} changed or vanished since the listing",
                  function, container, item.name);
    receipts->ReleaseLease(kHostsContainer, receipt, lease);
    return false;
  }
  if (!s.ok()) {
    receipts->ReleaseLease(kHostsContainer, receipt, lease);
    *failed = true;
    return false;
  }

  std::map<std::string, std::string> captures;
  pattern.Match(item.name, &captures);
  InvocationInput in;
  in.function_name = function;
  in.reason = "New blob detected(LogsAndContainerScan): " + container + "/" + item.name;
  rpc::ParameterBinding pb;
  pb.set_name(binding.name);
  if (storage::EqualsIgnoreCase(binding.data_type, "string") && IsValidUtf8(body)) pb.mutable_data()->set_string(body);
  else pb.mutable_data()->set_bytes(body);
  in.input_data.push_back(std::move(pb));
  auto& md = in.trigger_metadata;
  md["BlobTrigger"] = StringData(container + "/" + item.name);
  md["Uri"] = StringData(client->account().blob_endpoint + "/" + container + "/" +
                         storage::UrlEncode(item.name, true));
  nlohmann::json p = {{"Length", props.content_length},
                      {"ContentType", props.content_type},
                      {"ContentMD5", props.content_md5},
                      {"ETag", props.etag},
                      {"LastModified", AzureTime(props.last_modified_unix)},
                      {"BlobType", props.blob_type.empty() ? "BlockBlob" : props.blob_type},
                      {"LeaseState", props.lease_state},
                      {"LeaseStatus", props.lease_status}};
  md["Properties"] = JsonData(p);
  nlohmann::json meta = nlohmann::json::object();
  for (const auto& kv : props.metadata) meta[kv.first] = kv.second;
  md["Metadata"] = JsonData(meta);
  for (const auto& kv : captures) md[kv.first] = StringData(kv.second);
  md["sys"] = SysMetadata(function);

  auto out = InvokeAndWait(invoker, std::move(in), waker);
  if (!out) return true;  // stopping: the lease lapses and the blob is tried again later
  if (out->succeeded()) {
    finish({{"Completed", "true"}});
    done.insert(key);
    return true;
  }
  ++failures;
  *failed = true;
  int threshold = rt->blob_settings().poison_threshold;
  if (failures >= threshold) {
    Poison(item, failures);
    finish({{"Completed", "true"}, {"Poisoned", "true"},
            {"FailureCount", std::to_string(failures)}});
    done.insert(key);
  } else {
    finish({{"FailureCount", std::to_string(failures)}});
  }
  return true;
}

void BlobTrigger::State::Poison(const storage::BlobItem& item, int failures) {
  nlohmann::json msg = {{"Type", "BlobTrigger"},
                        {"FunctionId", FunctionFullName(function)},
                        {"BlobType", "BlockBlob"},
                        {"ContainerName", pattern.container()},
                        {"BlobName", item.name},
                        {"ETag", item.properties.etag}};
  spdlog::error("Blob trigger for 'Functions.{}': blob '{}/{}' failed {} time(s); moving it to "
                "queue '{}'",
                function, pattern.container(), item.name, failures, kPoisonQueue);
  storage::Status s = rt->EnsureQueue(queue, kPoisonQueue);
  if (s.ok()) s = queue->PutMessage(kPoisonQueue, msg.dump());
  if (!s.ok())
    spdlog::error("Blob trigger for 'Functions.{}': posting to '{}' failed: {}", function,
                  kPoisonQueue, s.message());
}

}  // namespace pyfn
