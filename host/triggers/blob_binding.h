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

#include "host/triggers/blocking_binding.h"

namespace pyfn {

class BlobBinding : public BlockingBinding {
 public:
  // runtime must outlive this object.
  explicit BlobBinding(StorageRuntime* runtime) : BlockingBinding(runtime) {}

  std::vector<std::string> Types() const override { return {"blob"}; }

  Status Read(const BindingContext& ctx, rpc::TypedData* out) override;
  Status Write(const BindingContext& ctx, const rpc::TypedData& value) override;
};

// The bytes a blob output writes for a value; InvalidArgument naming the
// type for values that are not text, bytes, JSON or numbers.
Status BlobContentFromTypedData(const rpc::TypedData& value, std::string* content);

}  // namespace pyfn

#endif  // PYFN_HOST_BLOB_BINDING_H_
