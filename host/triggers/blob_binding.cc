#include "host/triggers/blob_binding.h"

#include "host/common/text_encoding.h"
#include "host/storage/encoding.h"
#include "host/triggers/trigger_util.h"

namespace pyfn {
namespace {

std::string TypedDataKind(const rpc::TypedData& v) {
  const auto* field = rpc::TypedData::descriptor()->FindFieldByNumber(v.data_case());
  return field ? field->name() : "empty";
}

}  // namespace

Status BlobContentFromTypedData(const rpc::TypedData& value, std::string* content) {
  switch (value.data_case()) {
    case rpc::TypedData::kString: *content = value.string(); return Status::OK();
    case rpc::TypedData::kBytes: *content = value.bytes(); return Status::OK();
    case rpc::TypedData::kStream: *content = value.stream(); return Status::OK();
    case rpc::TypedData::kJson: *content = value.json(); return Status::OK();
    case rpc::TypedData::kInt: *content = std::to_string(value.int_()); return Status::OK();
    case rpc::TypedData::kDouble: {
      nlohmann::json j = value.double_();
      *content = j.dump();
      return Status::OK();
    }
    default:
      return Status::InvalidArgument("a blob cannot be written from a '" + TypedDataKind(value) +
                                     "' value (expected str, bytes or a file-like object)");
  }
}

Status BlobBinding::Read(const BindingContext& ctx, rpc::TypedData* out) {
  storage::BindingData data;
  BuildBindingData(ctx.http, ctx.trigger_metadata, &data);
  std::string path, container, blob;
  Status s = ResolveBindingProperty(*ctx.binding, "path", data, runtime_->setting_lookup(), &path);
  if (!s.ok()) return s;
  storage::Status ss = storage::SplitBlobPath(path, &container, &blob);
  if (!ss.ok()) return Status::InvalidArgument("path '" + path + "': " + ss.message());
  storage::BlobClient* client = nullptr;
  s = runtime_->BlobClientFor(*ctx.binding, &client);
  if (!s.ok()) return s;
  std::string body;
  ss = client->GetBlob(container, blob, &body);
  if (ss.IsNotFound()) return Status::OK();  // None
  if (!ss.ok()) return FromStorage(ss);
  if (storage::EqualsIgnoreCase(ctx.binding->data_type, "string") && IsValidUtf8(body))
    out->set_string(std::move(body));
  else out->set_bytes(std::move(body));
  return Status::OK();
}

Status BlobBinding::Write(const BindingContext& ctx, const rpc::TypedData& value) {
  std::string content;
  Status s = BlobContentFromTypedData(value, &content);
  if (!s.ok()) return s;
  storage::BindingData data;
  BuildBindingData(ctx.http, ctx.trigger_metadata, &data);
  std::string path, container, blob;
  s = ResolveBindingProperty(*ctx.binding, "path", data, runtime_->setting_lookup(), &path);
  if (!s.ok()) return s;
  storage::Status ss = storage::SplitBlobPath(path, &container, &blob);
  if (!ss.ok()) return Status::InvalidArgument("path '" + path + "': " + ss.message());
  storage::BlobClient* client = nullptr;
  s = runtime_->BlobClientFor(*ctx.binding, &client);
  if (!s.ok()) return s;
  ss = runtime_->EnsureContainer(client, container);
  if (ss.ok()) ss = client->PutBlob(container, blob, content);
  if (ss.IsNotFound()) {  // the container was deleted since we created it
    ss = client->CreateContainer(container);
    if (ss.ok()) ss = client->PutBlob(container, blob, content);
  }
  if (!ss.ok()) return FromStorage(ss);
  runtime_->NotifyBlobWritten(client->account().name, container);
  return Status::OK();
}

}  // namespace pyfn
