#include "host/triggers/queue_binding.h"

#include <nlohmann/json.hpp>

namespace pyfn {
namespace {

std::string TypedDataKind(const rpc::TypedData& v) {
  const auto* field = rpc::TypedData::descriptor()->FindFieldByNumber(v.data_case());
  return field ? field->name() : "empty";
}

// A func.QueueMessage as the library encodes it: {"id": ..., "body": "..."}.
bool IsQueueMessageObject(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("body") || !j["body"].is_string()) return false;
  for (auto it = j.begin(); it != j.end(); ++it)
    if (it.key() != "id" && it.key() != "body") return false;
  return true;
}

std::string MessageFromJson(const nlohmann::json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (IsQueueMessageObject(j)) return j["body"].get<std::string>();
  return j.dump();
}

}  // namespace

Status QueueMessagesFromTypedData(const rpc::TypedData& value,
                                  std::vector<std::string>* messages) {
  messages->clear();
  switch (value.data_case()) {
    case rpc::TypedData::kString: messages->push_back(value.string()); return Status::OK();
    case rpc::TypedData::kBytes: messages->push_back(value.bytes()); return Status::OK();
    case rpc::TypedData::kInt: messages->push_back(std::to_string(value.int_())); return Status::OK();
    case rpc::TypedData::kDouble: {
      nlohmann::json j = value.double_();
      messages->push_back(j.dump());
      return Status::OK();
    }
    case rpc::TypedData::kJson: {
      nlohmann::json j = nlohmann::json::parse(value.json(), nullptr, false);
      if (j.is_discarded()) return Status::InvalidArgument("the JSON value is malformed");
      if (j.is_array()) {
        for (const auto& e : j) messages->push_back(MessageFromJson(e));
      } else {
        messages->push_back(MessageFromJson(j));
      }
      return Status::OK();
    }
    case rpc::TypedData::kCollectionString:
      for (const auto& s : value.collection_string().string()) messages->push_back(s);
      return Status::OK();
    case rpc::TypedData::kCollectionBytes:
      for (const auto& s : value.collection_bytes().bytes()) messages->push_back(s);
      return Status::OK();
    default:
      return Status::InvalidArgument("a queue message cannot be made from a '" +
                                     TypedDataKind(value) + "' value");
  }
}

Status QueueBinding::Write(const BindingContext& ctx, const rpc::TypedData& value) {
  std::vector<std::string> messages;
  Status s = QueueMessagesFromTypedData(value, &messages);
  if (!s.ok()) return s;
  if (messages.empty()) return Status::OK();
  storage::BindingData data;
  BuildBindingData(ctx.http, ctx.trigger_metadata, &data);
  std::string queue;
  s = ResolveBindingProperty(*ctx.binding, "queueName", data, runtime_->setting_lookup(), &queue);
  if (!s.ok()) return s;
  storage::QueueClient* client = nullptr;
  s = runtime_->QueueClientFor(*ctx.binding, &client);
  if (!s.ok()) return s;
  storage::Status ss = runtime_->EnsureQueue(client, queue);
  for (size_t i = 0; ss.ok() && i < messages.size(); ++i) {
    ss = client->PutMessage(queue, messages[i]);
    if (ss.IsNotFound() && i == 0) {  // deleted since we created it
      ss = client->CreateQueue(queue);
      if (ss.ok()) ss = client->PutMessage(queue, messages[i]);
    }
  }
  if (!ss.ok()) return FromStorage(ss);
  runtime_->NotifyQueueWritten(client->account().name, queue);
  return Status::OK();
}

}  // namespace pyfn
