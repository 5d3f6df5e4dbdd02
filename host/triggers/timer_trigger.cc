#include "host/triggers/timer_trigger.h"

#include <spdlog/spdlog.h>

#include <ctime>
#include <thread>

#include "host/storage/binding_expression.h"
#include "host/storage/encoding.h"
#include "host/storage/ncrontab.h"
#include "host/storage/timezone.h"
#include "host/triggers/trigger_schedule.h"
#include "host/triggers/trigger_util.h"

namespace pyfn {
namespace {

constexpr const char* kHostsContainer = "azure-webjobs-hosts";
constexpr int kLeaseSeconds = 15;
constexpr auto kRenewEvery = std::chrono::seconds(5);

bool BoolProp(const nlohmann::json& raw, const char* key, bool dflt) {
  auto it = raw.find(key);
  if (it == raw.end()) return dflt;
  if (it->is_boolean()) return it->get<bool>();
  if (it->is_string()) return storage::ToLower(it->get<std::string>()) == "true";
  return dflt;
}

}  // namespace

struct TimerTrigger::State : std::enable_shared_from_this<TimerTrigger::State> {
  explicit State(const TriggerClock* c)
      : clock(c), lease(c, std::chrono::seconds(kLeaseSeconds), kRenewEvery) {}

  const TriggerClock* clock;
  StorageRuntime* rt = nullptr;
  Invoker* invoker = nullptr;
  std::string function;
  BindingSpec binding;
  RetryPolicy retry;
  std::unique_ptr<storage::Schedule> schedule;
  storage::TimeZone tz;
  bool run_on_startup = false;
  bool use_monitor = true;
  storage::BlobClient* hosts = nullptr;  // AzureWebJobsStorage, or null
  std::string lock_blob, status_blob, lease_id;
  bool holding = false;
  bool started_once = false;
  int64_t last_fired = 0;  // the last occurrence run: never run one twice
  LeaseSchedule lease;
  std::shared_ptr<Waker> waker = std::make_shared<Waker>();
  std::thread thread;

  int64_t Now() const { return clock->UnixSeconds(); }
  void Run();
  bool AcquireLock();       // true when held
  bool KeepLock();          // renews when due; false when lost
  void SleepUntil(int64_t unix_seconds);  // keeps the lock; returns early when lost/stopped
  bool ReadStatus(nlohmann::json* status);
  void WriteStatus(int64_t last, int64_t next);
  void Fire(int64_t scheduled, bool past_due, const nlohmann::json& status);
};

TimerTrigger::TimerTrigger(StorageRuntime* runtime, Invoker* invoker, const FunctionSpec& fn,
                           const TriggerClock* clock)
    : state_(std::make_shared<State>(clock)) {
  state_->rt = runtime;
  state_->invoker = invoker;
  state_->function = fn.name;
  if (fn.trigger()) state_->binding = *fn.trigger();
  state_->retry = fn.retry;
}

TimerTrigger::~TimerTrigger() { Stop(); }

Status TimerTrigger::Start() {
  State* s = state_.get();
  const nlohmann::json& raw = s->binding.raw;
  std::string expr = raw.value("schedule", std::string());
  std::string resolved;
  storage::Status ss = storage::ResolveAppSettings(expr, s->rt->setting_lookup(), &resolved);
  if (ss.ok()) ss = storage::ParseSchedule(resolved, &s->schedule);
  if (!ss.ok()) return Status::InvalidArgument(ss.message());
  const Environment& env = s->rt->env();
  ss = storage::TimeZone::FromEnvironment(&s->tz, [&env](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  });
  if (!ss.ok()) return Status::InvalidArgument("time zone: " + ss.message());
  s->run_on_startup = BoolProp(raw, "runOnStartup", false);
  s->use_monitor = BoolProp(raw, "useMonitor", TimerUsesMonitorByDefault(*s->schedule, s->tz));
  // As Azure's host does at start: the next five occurrences, local and UTC.
  std::string when;
  int64_t t = s->Now();
  for (int i = 0; i < 5 && s->schedule->Next(t, s->tz, &t); ++i)
    when += "\n  " + AzureLocalTime(t, s->tz) + " (" + storage::FormatIso8601(t) + ")";
  spdlog::info("The next 5 occurrences of the '{}' schedule ({}: '{}') will be:{}", s->function,
               s->schedule->is_interval() ? "Interval" : "Cron", s->schedule->expression(), when);
  std::string full = FunctionFullName(s->function);
  s->lock_blob = "locks/" + s->rt->host_id() + "/" + full + ".Listener";
  s->status_blob = "timers/" + s->rt->host_id() + "/" + full + "/status";
  Status st = s->rt->BlobClientForSetting("AzureWebJobsStorage", &s->hosts);
  if (!st.ok()) {
    s->hosts = nullptr;
    if (!st.IsNotFound()) return st;
    spdlog::warn("Timer trigger 'Functions.{}': AzureWebJobsStorage is not set, so the timer "
                 "runs without a lock{} (one host only)",
                 s->function, s->use_monitor ? " and without its schedule monitor" : "");
  }
  auto self = state_;
  s->thread = std::thread([self] { self->Run(); });
  return Status::OK();
}

void TimerTrigger::Stop() {
  if (!state_) return;
  state_->waker->Stop();
  if (state_->thread.joinable()) state_->thread.join();
  if (state_->hosts && state_->holding)
    state_->hosts->ReleaseLease(kHostsContainer, state_->lock_blob, state_->lease_id);
  state_->holding = false;
}

bool TimerTrigger::State::AcquireLock() {
  if (hosts == nullptr) return holding = true;
  if (lease_id.empty()) lease_id = storage::NewGuid();
  storage::Status s = rt->EnsureContainer(hosts, kHostsContainer);
  if (s.ok()) {
    storage::PutBlobOptions po;
    po.if_none_match = "*";
    s = hosts->PutBlob(kHostsContainer, lock_blob, "", po);
    if (s.IsConflict() || s.IsPreconditionFailed()) s = storage::Status::OK();
  }
  std::string got;
  if (s.ok()) s = hosts->AcquireLease(kHostsContainer, lock_blob, kLeaseSeconds, lease_id, &got);
  if (s.ok()) {
    holding = true;
    lease.Renewed();
    spdlog::info("Timer trigger 'Functions.{}': this host holds the timer lock", function);
    return true;
  }
  if (!s.IsConflict())
    spdlog::warn("Timer trigger 'Functions.{}': cannot take the timer lock: {}", function,
                 s.message());
  return false;
}

bool TimerTrigger::State::KeepLock() {
  if (hosts == nullptr || !holding) return holding;
  if (!lease.RenewDue()) return true;
  storage::Status s = hosts->RenewLease(kHostsContainer, lock_blob, lease_id);
  if (s.ok()) {
    lease.Renewed();
    return true;
  }
  if (s.IsTransient() && lease.MayStillHold()) return true;  // try again soon
  spdlog::warn("Timer trigger 'Functions.{}': lost the timer lock ({}); another host may run it",
               function, s.message());
  holding = false;
  return false;
}

void TimerTrigger::State::SleepUntil(int64_t unix_seconds) {
  while (!waker->stopped()) {
    int64_t now = Now();
    if (now >= unix_seconds) return;
    auto step = std::min(std::chrono::milliseconds((unix_seconds - now) * 1000),
                         std::chrono::milliseconds(1000));
    waker->WaitFor(step);
    if (!KeepLock()) return;
  }
}

bool TimerTrigger::State::ReadStatus(nlohmann::json* status) {
  if (hosts == nullptr || !use_monitor) return false;
  std::string body;
  storage::Status s = hosts->GetBlob(kHostsContainer, status_blob, &body);
  if (!s.ok()) {
    if (!s.IsNotFound())
      spdlog::warn("Timer trigger 'Functions.{}': reading the schedule status failed: {}",
                   function, s.message());
    return false;
  }
  *status = nlohmann::json::parse(body, nullptr, false);
  return status->is_object();
}

void TimerTrigger::State::WriteStatus(int64_t last, int64_t next) {
  if (hosts == nullptr || !use_monitor) return;
  nlohmann::json j = {{"Last", last ? AzureLocalTime(last, tz) : "0001-01-01T00:00:00"},
                      {"Next", AzureLocalTime(next, tz)},
                      {"LastUpdated", AzureLocalTime(Now(), tz)}};
  storage::PutBlobOptions po;
  po.content_type = "application/json";
  storage::Status s = rt->EnsureContainer(hosts, kHostsContainer);
  if (s.ok()) s = hosts->PutBlob(kHostsContainer, status_blob, j.dump(), po);
  if (!s.ok())
    spdlog::warn("Timer trigger 'Functions.{}': writing the schedule status failed: {}", function,
                 s.message());
}

void TimerTrigger::State::Fire(int64_t scheduled, bool past_due, const nlohmann::json& status) {
  nlohmann::json info = {{"Schedule", {{"AdjustForDST", true}}},
                         {"ScheduleStatus", use_monitor && hosts ? status : nlohmann::json()},
                         {"IsPastDue", past_due}};
  rpc::RetryContext rc;
  for (int attempt = 0;; ++attempt) {
    InvocationInput in;
    in.function_name = function;
    in.reason = "Timer fired at " + AzureLocalTime(std::max(scheduled, Now()), tz);
    rpc::ParameterBinding pb;
    pb.set_name(binding.name);
    *pb.mutable_data() = JsonData(info);
    in.input_data.push_back(std::move(pb));
    in.trigger_metadata["sys"] = SysMetadata(function);
    if (retry.max_retry_count != 0) {
      rc.set_retry_count(attempt);
      rc.set_max_retry_count(retry.max_retry_count);
      in.retry_context = rc;
    }
    auto out = InvokeAndWait(invoker, std::move(in), waker);
    if (!out || out->succeeded()) return;
    bool more = retry.max_retry_count < 0 || attempt < retry.max_retry_count;
    if (!more || out->status.IsUnavailable()) return;
    auto delay = retry.DelayBefore(attempt + 1);
    spdlog::info("Waiting for {} ms before retrying 'Functions.{}'. Next attempt: '{}'. Max "
                 "retry count: '{}'",
                 delay.count(), function, attempt + 1, retry.max_retry_count);
    if (out->status.ok()) *rc.mutable_exception() = out->response.result().exception();
    else rc.mutable_exception()->set_message(out->status.message());
    if (!waker->WaitFor(delay)) return;
  }
}

void TimerTrigger::State::Run() {
  while (!waker->stopped()) {
    if (!holding) {
      if (!AcquireLock()) {
        if (!waker->WaitFor(std::chrono::seconds(5))) return;
        continue;
      }
      // Just took the timer: catch up a missed occurrence, run on startup.
      int64_t now = Now();
      nlohmann::json status;
      bool have = ReadStatus(&status);
      TimerCatchUp catch_up =
          DecideTimerCatchUp(have ? status : nlohmann::json(), now, run_on_startup, started_once);
      int64_t next = 0;
      if (!have) {
        if (schedule->Next(now, tz, &next)) WriteStatus(0, next);
        ReadStatus(&status);
      }
      if (catch_up.past_due) {
        spdlog::info("Timer trigger 'Functions.{}': the occurrence at {} was missed; running it "
                     "now (past due)",
                     function, status["Next"].get<std::string>());
        Fire(catch_up.recorded_next, true, status);
        if (schedule->Next(Now(), tz, &next)) WriteStatus(catch_up.recorded_next, next);
      } else if (catch_up.run_on_startup) {
        Fire(now, false, status);
      }
      started_once = true;
    }
    int64_t next = 0;
    if (!NextTimerOccurrence(*schedule, tz, Now(), last_fired, &next)) {
      spdlog::warn("Timer trigger 'Functions.{}': schedule '{}' has no next occurrence", function,
                   schedule->expression());
      waker->WaitFor(std::chrono::hours(24));
      continue;
    }
    SleepUntil(next);
    if (waker->stopped() || !holding) continue;
    nlohmann::json status;
    ReadStatus(&status);
    last_fired = next;
    Fire(next, false, status);
    int64_t after = 0;
    if (schedule->Next(std::max(next, Now()), tz, &after)) WriteStatus(next, after);
  }
}

}  // namespace pyfn
