#include "host/triggers/queue_trigger.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <thread>

#include "host/common/text_encoding.h"
#include "host/common/thread_annotations.h"
#include "host/storage/binding_expression.h"
#include "host/storage/encoding.h"
#include "host/triggers/trigger_schedule.h"
#include "host/triggers/trigger_util.h"

namespace pyfn {
namespace {

// How long a dequeued message stays hidden while its function runs (Azure's
// queue listener uses 10 minutes and renews; pyfn does not renew).
constexpr int kProcessingVisibilitySeconds = 600;
// How often the queue's approximate length is read for the metrics.
constexpr auto kQueueLengthEvery = std::chrono::seconds(10);

const char* const kQueueMetadataNames[] = {"queuetrigger", "id", "dequeuecount",
                                           "insertiontime", "expirationtime",
                                           "nextvisibletime", "popreceipt"};

bool IsBuiltinOrMetadata(const std::string& expr) {
  std::string l = storage::ToLower(expr);
  if (l.rfind("rand-guid", 0) == 0 || l.rfind("datetime", 0) == 0 || l.rfind("sys.", 0) == 0)
    return true;
  for (const char* n : kQueueMetadataNames)
    if (l == n) return true;
  return false;
}

}  // namespace

struct QueueTrigger::State : std::enable_shared_from_this<QueueTrigger::State> {
  StorageRuntime* rt = nullptr;
  Invoker* invoker = nullptr;
  Metrics* metrics = nullptr;
  std::chrono::steady_clock::time_point length_polled{};
  std::string function;
  BindingSpec binding;
  std::string queue, poison;
  std::string json_requirement;
  QueueSettings qs;
  storage::QueueClient* client = nullptr;
  storage::QueueClient* raw = nullptr;
  std::shared_ptr<Waker> waker = std::make_shared<Waker>();
  std::thread thread;
  int watcher = 0;

  pyfn::Mutex mu;
  pyfn::CondVar cv;
  int inflight PYFN_GUARDED_BY(mu) = 0;

  void Run();
  void PollLength();
  void Process(const storage::QueueMessage& m);
  void Complete(const storage::QueueMessage& m, bool ok);
  void Poison(const storage::QueueMessage& m, const std::string* body, const std::string& why);
  void Done() {
    pyfn::MutexLock l(mu);
    --inflight;
    cv.notify_all();
    waker->Wake();
  }
};

QueueTrigger::QueueTrigger(StorageRuntime* runtime, Invoker* invoker, const FunctionSpec& fn,
                           Metrics* metrics)
    : state_(std::make_shared<State>()) {
  state_->rt = runtime;
  state_->invoker = invoker;
  state_->metrics = metrics;
  state_->function = fn.name;
  if (fn.trigger()) state_->binding = *fn.trigger();
  state_->qs = runtime->queue_settings();
  state_->json_requirement = JsonRequirement(fn);
}

QueueTrigger::~QueueTrigger() { Stop(); }

std::string QueueTrigger::JsonRequirement(const FunctionSpec& fn) {
  for (size_t i = 0; i < fn.bindings.size(); ++i) {
    if (static_cast<int>(i) == fn.trigger_index) continue;
    const BindingSpec& b = fn.bindings[i];
    if (!b.raw.is_object()) continue;
    for (const char* key : {"path", "queueName", "blobPath", "containerName"}) {
      auto it = b.raw.find(key);
      if (it == b.raw.end() || !it->is_string()) continue;
      std::vector<std::string> names;
      if (!storage::BindingParameters(it->get<std::string>(), &names).ok()) continue;
      for (const auto& n : names)
        if (!IsBuiltinOrMetadata(n)) return "binding '" + b.name + "' uses {" + n + "}";
    }
  }
  return "";
}

Status QueueTrigger::Start() {
  State* s = state_.get();
  std::string q;
  auto it = s->binding.raw.find("queueName");
  if (it != s->binding.raw.end() && it->is_string()) q = it->get<std::string>();
  std::string resolved;
  storage::Status ss = storage::ResolveAppSettings(q, s->rt->setting_lookup(), &resolved);
  if (!ss.ok()) return Status::InvalidArgument(ss.message());
  s->queue = resolved;
  s->poison = resolved + "-poison";
  Status st = s->rt->QueueClientFor(s->binding, &s->client);
  if (st.ok()) st = s->rt->RawQueueClientFor(s->binding, &s->raw);
  if (!st.ok()) return st;
  std::weak_ptr<State> weak = state_;
  s->watcher = s->rt->AddQueueWatcher([weak](const std::string& account, const std::string& queue) {
    auto self = weak.lock();
    if (self && queue == self->queue && account == self->client->account().name)
      self->waker->Wake();
  });
  auto self = state_;
  s->thread = std::thread([self] { self->Run(); });
  return Status::OK();
}

void QueueTrigger::Stop() {
  if (!state_) return;
  state_->waker->Stop();
  {
    pyfn::MutexLock l(state_->mu);
    state_->cv.notify_all();
  }
  if (state_->thread.joinable()) state_->thread.join();
  if (state_->watcher) state_->rt->RemoveWatcher(state_->watcher);
  state_->watcher = 0;
}

void QueueTrigger::State::Run() {
  PollBackoff backoff(qs.max_polling_interval);
  bool failing = false;
  const int threshold = qs.threshold();
  while (!waker->stopped()) {
    {
      pyfn::MutexLock l(mu);
      cv.wait(l, [&]() PYFN_REQUIRES(mu) { return waker->stopped() || inflight <= threshold; });
    }
    if (waker->stopped()) break;
    PollLength();
    std::vector<storage::QueueMessage> msgs;
    storage::Status s =
        client->GetMessages(queue, qs.batch_size, kProcessingVisibilitySeconds, &msgs);
    if (!s.ok()) {
      msgs.clear();
      if (!s.IsNotFound() && !failing) {
        spdlog::warn("Queue trigger for 'Functions.{}': polling queue '{}' failed: {}; "
                     "backing off (up to {} ms) until storage answers",
                     function, queue, s.message(), qs.max_polling_interval.count());
        failing = true;
      }
    } else if (failing) {
      spdlog::info("Queue trigger for 'Functions.{}': queue '{}' is reachable again", function,
                   queue);
      failing = false;
    }
    if (msgs.empty()) {
      if (!waker->WaitFor(backoff.Idle())) break;
      continue;
    }
    backoff.Reset();
    for (const auto& m : msgs) Process(m);
  }
}

void QueueTrigger::State::PollLength() {
  if (metrics == nullptr) return;
  auto now = std::chrono::steady_clock::now();
  if (length_polled != std::chrono::steady_clock::time_point{} &&
      now - length_polled < kQueueLengthEvery)
    return;
  length_polled = now;
  int64_t n = 0;
  if (client->GetApproximateMessageCount(queue, &n).ok()) metrics->SetQueueLength(function, queue, n);
}

void QueueTrigger::State::Process(const storage::QueueMessage& m) {
  if (metrics != nullptr && m.dequeue_count == 1) {
    double now = std::chrono::duration<double>(
                     std::chrono::system_clock::now().time_since_epoch()).count();
    metrics->RecordQueueLag(function, queue, now - static_cast<double>(m.insertion_time_unix));
  }
  if (m.dequeue_count > qs.max_dequeue_count) {
    std::string body;
    bool decoded = client->DecodeBody(m, &body).ok();
    Poison(m, decoded ? &body : nullptr,
           "it was dequeued " + std::to_string(m.dequeue_count) +
               " times, more than maxDequeueCount " + std::to_string(qs.max_dequeue_count));
    return;
  }
  std::string body;
  storage::Status ds = client->DecodeBody(m, &body);
  if (!ds.ok()) {
    Poison(m, nullptr, ds.message() + " (host.json extensions.queues.messageEncoding is base64)");
    return;
  }
  if (!json_requirement.empty()) {
    nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
    if (!j.is_object()) {
      Poison(m, &body, "its body is not a JSON object, and " + json_requirement);
      return;
    }
  }
  InvocationInput in;
  in.function_name = function;
  in.reason = "New queue message detected on '" + queue + "'.";
  rpc::ParameterBinding pb;
  pb.set_name(binding.name);
  bool as_bytes = storage::EqualsIgnoreCase(binding.data_type, "binary") || !IsValidUtf8(body);
  if (as_bytes) pb.mutable_data()->set_bytes(body);
  else pb.mutable_data()->set_string(body);
  in.input_data.push_back(std::move(pb));
  auto& md = in.trigger_metadata;
  md["QueueTrigger"] = as_bytes ? rpc::TypedData() : StringData(body);
  if (as_bytes) md["QueueTrigger"].set_bytes(body);
  md["Id"] = StringData(m.id);
  md["DequeueCount"] = JsonData(m.dequeue_count);
  md["InsertionTime"] = JsonData(AzureTime(m.insertion_time_unix));
  md["ExpirationTime"] = JsonData(AzureTime(m.expiration_time_unix));
  md["NextVisibleTime"] = JsonData(AzureTime(m.time_next_visible_unix));
  md["PopReceipt"] = StringData(m.pop_receipt);
  md["sys"] = SysMetadata(function);
  {
    pyfn::MutexLock l(mu);
    ++inflight;
  }
  auto self = shared_from_this();
  invoker->Invoke(std::move(in), [self, m](const InvocationOutcome& out) {
    bool ok = out.succeeded();
    self->rt->Post([self, m, ok] {
      self->Complete(m, ok);
      self->Done();
    });
  });
}

void QueueTrigger::State::Complete(const storage::QueueMessage& m, bool ok) {
  if (ok) {
    storage::Status s = client->DeleteMessage(queue, m.id, m.pop_receipt);
    if (!s.ok())
      spdlog::warn("Queue trigger for 'Functions.{}': deleting message {} from '{}' failed: {}",
                   function, m.id, queue, s.message());
    return;
  }
  if (m.dequeue_count >= qs.max_dequeue_count) {
    std::string body;
    bool decoded = client->DecodeBody(m, &body).ok();
    Poison(m, decoded ? &body : nullptr,
           "Message has reached MaxDequeueCount of " + std::to_string(qs.max_dequeue_count));
    return;
  }
  storage::QueueMessage copy = m;
  int secs = static_cast<int>(qs.visibility_timeout.count() / 1000);
  storage::Status s = client->UpdateVisibility(queue, &copy, secs);
  if (!s.ok())
    spdlog::warn("Queue trigger for 'Functions.{}': releasing message {} on '{}' failed: {} "
                 "(it becomes visible again after {} s)",
                 function, m.id, queue, s.message(), kProcessingVisibilitySeconds);
}

void QueueTrigger::State::Poison(const storage::QueueMessage& m, const std::string* body,
                                 const std::string& why) {
  spdlog::error("Queue trigger for 'Functions.{}': message {} on '{}': {}. Moving message to "
                "queue '{}'.",
                function, m.id, queue, why, poison);
  storage::Status s = rt->EnsureQueue(client, poison);
  // An undecodable body is copied as stored, so nothing is lost.
  if (s.ok()) s = body ? client->PutMessage(poison, *body) : raw->PutMessage(poison, m.text);
  if (!s.ok()) {
    spdlog::error("Queue trigger for 'Functions.{}': could not move message {} to '{}': {}; it "
                  "stays on '{}'",
                  function, m.id, poison, s.message(), queue);
    return;
  }
  s = client->DeleteMessage(queue, m.id, m.pop_receipt);
  if (!s.ok())
    spdlog::warn("Queue trigger for 'Functions.{}': deleting poisoned message {} from '{}' "
                 "failed: {}",
                 function, m.id, queue, s.message());
}

}  // namespace pyfn
