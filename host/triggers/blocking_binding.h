// BlockingBinding: the BindingExtension shape of the host's own bindings
// (blob, queue, table, Event Grid), whose work is blocking storage or HTTP
// calls. ReadInput and WriteOutput post Read and Write to the StorageRuntime's
// threads and call `done` from there, so no invocation thread ever waits on
// the network; a subclass writes only the blocking part. Read's default is for
// output-only bindings: it fails naming the binding and the trigger to use.
#ifndef PYFN_HOST_BLOCKING_BINDING_H_
#define PYFN_HOST_BLOCKING_BINDING_H_

#include <string>

#include "host/triggers/storage_runtime.h"
#include "host/workers/invoker.h"

namespace pyfn {

class BlockingBinding : public BindingExtension {
 public:
  // runtime must outlive this object. `input_hint` completes the error of an
  // input of an output-only binding ("use a queueTrigger to read messages").
  BlockingBinding(StorageRuntime* runtime, std::string input_hint = "")
      : runtime_(runtime), input_hint_(std::move(input_hint)) {}

  void ReadInput(const BindingContext& ctx,
                 std::function<void(Status, rpc::TypedData)> done) final;
  void WriteOutput(const BindingContext& ctx, const rpc::TypedData& value,
                   std::function<void(Status)> done) final;

  // Blocking (run on a storage thread). `ctx`'s pointers live until it returns.
  virtual Status Read(const BindingContext& ctx, rpc::TypedData* out);
  virtual Status Write(const BindingContext& ctx, const rpc::TypedData& value) = 0;

 protected:
  StorageRuntime* const runtime_;

 private:
  const std::string input_hint_;
};

}  // namespace pyfn

#endif  // PYFN_HOST_BLOCKING_BINDING_H_
