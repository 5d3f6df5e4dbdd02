// QueueTrigger: one function's queue listener (spec B6), with Azure's
// semantics and host.json extensions.queues settings:
//   - polls with GetMessages(batchSize); an empty queue (or an unreachable
//     service) backs off exponentially from 100 ms to maxPollingInterval; a
//     message written by this host's queue output wakes it at once;
//   - fetches a new batch when no more than newBatchThreshold messages are
//     still running;
//   - a message is hidden for 10 minutes while its function runs, deleted on
//     success, made visible again after visibilityTimeout on failure, and
//     moved to "<queue>-poison" once it has been dequeued maxDequeueCount
//     times; a body that is not valid base64 (or not a JSON object when the
//     function's bindings use its members) goes there at once, the reason
//     logged. Nothing is deleted without being handled or poisoned.
//   - the worker gets the text as a string (bytes with dataType "binary", or
//     when it is not UTF-8) and trigger metadata as Azure sends it:
//     QueueTrigger, Id, DequeueCount, InsertionTime, ExpirationTime,
//     NextVisibleTime, PopReceipt, sys.
//   - with a Metrics: the lag of each message from its InsertionTime to its
//     first dequeue (dequeue count 1: retries would count their visibility
//     delays), and the queue's approximate length, polled at most every 10 s
//     while the trigger polls.
#ifndef PYFN_HOST_QUEUE_TRIGGER_H_
#define PYFN_HOST_QUEUE_TRIGGER_H_

#include <memory>
#include <string>

#include "host/app/function_model.h"
#include "host/metrics.h"
#include "host/triggers/storage_runtime.h"
#include "host/workers/invoker.h"

namespace pyfn {

class QueueTrigger {
 public:
  // runtime, invoker and metrics (may be null) must outlive every invocation
  // this trigger starts.
  QueueTrigger(StorageRuntime* runtime, Invoker* invoker, const FunctionSpec& fn,
               Metrics* metrics = nullptr);
  ~QueueTrigger();  // Stop()

  // Starts the polling thread. Fails (naming the setting) when the
  // connection cannot be used.
  Status Start();
  // Stops polling; running invocations finish and settle their messages.
  void Stop();

  // Why the function's bindings need the message to be a JSON object
  // ("binding 'out' uses {orderId}"), or "" when they do not.
  static std::string JsonRequirement(const FunctionSpec& fn);

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace pyfn

#endif  // PYFN_HOST_QUEUE_TRIGGER_H_
