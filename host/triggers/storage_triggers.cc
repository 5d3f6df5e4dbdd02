#include "host/triggers/storage_triggers.h"

#include "host/app/load_failures.h"

namespace pyfn {

void StorageTriggers::Start(const FunctionSet& set) {
  pyfn::MutexLock l(mu_);
  if (stopped_) return;
  for (const FunctionSpec& fn : set.functions) {
    const BindingSpec* t = fn.trigger();
    if (t == nullptr || fn.disabled || !fn.load_status.ok()) continue;
    Status s;
    if (t->IsType("queueTrigger")) {
      auto q = std::make_unique<QueueTrigger>(runtime_, invoker_, fn, metrics_);
      s = q->Start();
      if (s.ok()) queues_.push_back(std::move(q));
    } else if (t->IsType("timerTrigger")) {
      auto q = std::make_unique<TimerTrigger>(runtime_, invoker_, fn);
      s = q->Start();
      if (s.ok()) timers_.push_back(std::move(q));
    } else if (t->IsType("blobTrigger")) {
      auto q = std::make_unique<BlobTrigger>(runtime_, invoker_, fn);
      s = q->Start();
      if (s.ok()) blobs_.push_back(std::move(q));
    } else {
      continue;
    }
    if (!s.ok())
      LogLoadFailure(fn.name, "its " + t->type + " cannot start: " + s.message());
  }
}

void StorageTriggers::Stop() {
  pyfn::MutexLock l(mu_);
  stopped_ = true;
  for (auto& q : queues_) q->Stop();
  for (auto& t : timers_) t->Stop();
  for (auto& b : blobs_) b->Stop();
}

}  // namespace pyfn
