// StorageTriggers: starts and stops the queue, timer and blob triggers of
// the app's functions (spec B5-B7). The Host calls Start() once every worker
// has loaded the functions and Stop() first thing when it drains.
#ifndef PYFN_HOST_STORAGE_TRIGGERS_H_
#define PYFN_HOST_STORAGE_TRIGGERS_H_

#include <memory>
#include <vector>

#include "host/app/function_registry.h"
#include "host/common/thread_annotations.h"
#include "host/metrics.h"
#include "host/triggers/blob_trigger.h"
#include "host/triggers/queue_trigger.h"
#include "host/triggers/storage_runtime.h"
#include "host/triggers/timer_trigger.h"
#include "host/workers/invoker.h"

namespace pyfn {

class StorageTriggers {
 public:
  // runtime, invoker and metrics (may be null: no queue lag and length)
  // must outlive this object.
  StorageTriggers(StorageRuntime* runtime, Invoker* invoker, Metrics* metrics = nullptr)
      : runtime_(runtime), invoker_(invoker), metrics_(metrics) {}
  ~StorageTriggers() { Stop(); }

  // One trigger per enabled, loaded function whose trigger is queueTrigger,
  // timerTrigger or blobTrigger. A trigger that cannot start is logged as a
  // load failure of that function; the others run.
  void Start(const FunctionSet& set);
  // Stops every trigger (no new invocations; running ones finish). Idempotent.
  void Stop();

 private:
  StorageRuntime* const runtime_;
  Invoker* const invoker_;
  Metrics* const metrics_;
  pyfn::Mutex mu_;
  bool stopped_ PYFN_GUARDED_BY(mu_) = false;
  std::vector<std::unique_ptr<QueueTrigger>> queues_ PYFN_GUARDED_BY(mu_);
  std::vector<std::unique_ptr<TimerTrigger>> timers_ PYFN_GUARDED_BY(mu_);
  std::vector<std::unique_ptr<BlobTrigger>> blobs_ PYFN_GUARDED_BY(mu_);
};

}  // namespace pyfn

#endif  // PYFN_HOST_STORAGE_TRIGGERS_H_
