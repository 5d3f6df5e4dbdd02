#include "stream_codec.h"

#include <google/protobuf/unknown_field_set.h>

#include <vector>

namespace pyfn {

const char kEventStreamMethod[] = "/AzureFunctionsRpcMessages.FunctionRpc/EventStream";

namespace {

using google::protobuf::UnknownField;
using google::protobuf::UnknownFieldSet;
using AzureFunctionsRpcMessages::StreamingMessage;

// The first length-delimited field `number` of `set`, or nullptr.
const std::string* Delimited(const UnknownFieldSet& set, int number) {
  for (int i = 0; i < set.field_count(); ++i) {
    const UnknownField& f = set.field(i);
    if (f.number() == number && f.type() == UnknownField::TYPE_LENGTH_DELIMITED)
      return &f.length_delimited();
  }
  return nullptr;
}

void Describe(const std::string& bytes, UnreadableMessage* bad) {
  *bad = UnreadableMessage();
  UnknownFieldSet top;
  if (!top.ParseFromString(bytes)) {
    bad->error = "not protobuf wire format";
    return;
  }
  bad->error = "a field does not parse (a string that is not UTF-8, or a wrong type)";
  if (const std::string* rid = Delimited(top, StreamingMessage::kRequestIdFieldNumber))
    bad->request_id = *rid;
  const auto* oneof = StreamingMessage::descriptor()->FindOneofByName("content");
  for (int i = 0; i < top.field_count(); ++i) {
    const UnknownField& f = top.field(i);
    if (f.type() != UnknownField::TYPE_LENGTH_DELIMITED) continue;
    const auto* field = StreamingMessage::descriptor()->FindFieldByNumber(f.number());
    if (field == nullptr || field->containing_oneof() != oneof) continue;
    bad->content_field = f.number();
    bad->content_name = field->name();
    UnknownFieldSet inner;
    if (inner.ParseFromString(f.length_delimited())) {
      if (const std::string* id = Delimited(inner, 1)) bad->id = *id;
    }
  }
}

}  // namespace

bool ReadStreamingMessage(const std::string& bytes, StreamingMessage* msg,
                          UnreadableMessage* bad) {
  if (msg->ParseFromString(bytes)) return true;
  msg->Clear();
  Describe(bytes, bad);
  return false;
}

bool ReadStreamingMessage(const grpc::ByteBuffer& buffer, StreamingMessage* msg,
                          UnreadableMessage* bad) {
  std::vector<grpc::Slice> slices;
  if (!buffer.Dump(&slices).ok()) {
    msg->Clear();
    *bad = UnreadableMessage();
    bad->error = "the gRPC message could not be read";
    return false;
  }
  if (slices.size() == 1) {
    if (msg->ParseFromArray(slices[0].begin(), static_cast<int>(slices[0].size()))) return true;
    msg->Clear();
    Describe(std::string(reinterpret_cast<const char*>(slices[0].begin()), slices[0].size()), bad);
    return false;
  }
  std::string bytes;
  for (const auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return ReadStreamingMessage(bytes, msg, bad);
}

}  // namespace pyfn
