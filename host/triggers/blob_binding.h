// BlobBinding: the host side of blob input and output bindings (spec B5).
//
// Input: the blob named by the binding's `path` (binding expressions resolved
// from the route, query, JSON body and trigger metadata) is read before the
// worker is called and sent as bytes, or as a string with dataType "string";
// a missing blob or container gives no value (the parameter is None).
// Output: after the function returns, its value (str, bytes, or JSON text) is
// written as a block blob; the container is created when missing.
// Failures name the binding, and storage failures the account and operation.
#ifndef PYFN_HOST_BLOB_BINDING_H_
#define PYFN_HOST_BLOB_BINDING_H_

#include <string>
#include <vector>

#include "host/triggers/storage_runtime.h"
#include "host/workers/invoker.h"

namespace pyfn {

class BlobBinding : public BindingExtension {
 public:
  // runtime must outlive this object.
  explicit BlobBinding(StorageRuntime* runtime) : runtime_(runtime) {}

  std::vector<std::string> Types() const override { return {"blob"}; }
  void ReadInput(const BindingContext& ctx,
                 std::function<void(Status, rpc::TypedData)> done) override;
  void WriteOutput(const BindingContext& ctx, const rpc::TypedData& value,
                   std::function<void(Status)> done) override;

  // Blocking versions (run on a storage thread).
  Status Read(const BindingContext& ctx, rpc::TypedData* out);
  Status Write(const BindingContext& ctx, const rpc::TypedData& value);

 private:
  StorageRuntime* const runtime_;
};

// The bytes a blob output writes for a value; InvalidArgument naming the
// type for values that are not text, bytes, JSON or numbers.
Status BlobContentFromTypedData(const rpc::TypedData& value, std::string* content);

}  // namespace pyfn

#endif  // PYFN_HOST_BLOB_BINDING_H_
