#include "proto/stream_codec.h"

#include <grpcpp/support/byte_buffer.h>
#include <gtest/gtest.h>

#include <string>

namespace pyfn {
namespace {

using AzureFunctionsRpcMessages::StreamingMessage;

// A wire-format string field: tag, length, bytes (lengths < 128 here).
std::string Field(int number, const std::string& bytes) {
  std::string out;
  out += static_cast<char>((number << 3) | 2);
  out += static_cast<char>(bytes.size());
  return out + bytes;
}

// Field numbers >= 16 take a two-byte tag.
std::string Field2(int number, const std::string& bytes) {
  unsigned tag = (static_cast<unsigned>(number) << 3) | 2;
  std::string out;
  out += static_cast<char>(0x80 | (tag & 0x7f));
  out += static_cast<char>(tag >> 7);
  out += static_cast<char>(bytes.size());
  return out + bytes;
}

grpc::ByteBuffer Buffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

TEST(StreamCodec, ParsesAValidMessage) {
  StreamingMessage m;
  m.set_request_id("r1");
  m.mutable_invocation_request()->set_invocation_id("inv-1");
  StreamingMessage got;
  UnreadableMessage bad;
  ASSERT_TRUE(ReadStreamingMessage(Buffer(m.SerializeAsString()), &got, &bad));
  EXPECT_EQ(got.invocation_request().invocation_id(), "inv-1");
}

// The message the host used to send for "?name=%FF": a query value that is not
// UTF-8. It must fail alone, naming the invocation so that only it fails.
TEST(StreamCodec, RecoversTheInvocationOfAMessageWithInvalidUtf8) {
  std::string http = Field(15, Field(1, "name") + Field(2, "\xFF"));  // RpcHttp.query entry
  std::string typed = Field(5, http);                                  // TypedData.http
  std::string binding = Field(1, "req") + Field(2, typed);             // ParameterBinding
  std::string inv = Field(1, "inv-7") + Field(2, "fn-1") + Field(3, binding);
  std::string wire = Field(1, "r7") + Field(4, inv);
  StreamingMessage got;
  UnreadableMessage bad;
  ASSERT_FALSE(ReadStreamingMessage(Buffer(wire), &got, &bad));
  EXPECT_EQ(bad.content_field, 4);
  EXPECT_EQ(bad.content_name, "invocation_request");
  EXPECT_EQ(bad.request_id, "r7");
  EXPECT_EQ(bad.id, "inv-7");
  EXPECT_FALSE(bad.error.empty());
  EXPECT_FALSE(got.has_invocation_request());
}

TEST(StreamCodec, RecoversAFunctionLoadRequestsFunctionId) {
  std::string load = Field(1, "fn-2") + Field(2, Field(1, "\xC0\x80"));  // metadata.name
  StreamingMessage got;
  UnreadableMessage bad;
  ASSERT_FALSE(ReadStreamingMessage(Field(8, load), &got, &bad));
  EXPECT_EQ(bad.content_name, "function_load_request");
  EXPECT_EQ(bad.id, "fn-2");
}

TEST(StreamCodec, WorkerMessagesAreRecoveredToo) {
  std::string resp = Field(1, "inv-9") + Field(4, Field(1, "\xED\xA0\x80"));  // return_value.string
  StreamingMessage got;
  UnreadableMessage bad;
  ASSERT_FALSE(ReadStreamingMessage(Field(5, resp), &got, &bad));
  EXPECT_EQ(bad.content_name, "invocation_response");
  EXPECT_EQ(bad.id, "inv-9");
  // A two-byte tag (StartStream is field 20).
  ASSERT_FALSE(ReadStreamingMessage(Field2(20, Field(2, "\xFF")), &got, &bad));
  EXPECT_EQ(bad.content_name, "start_stream");
}

TEST(StreamCodec, GarbageIsReportedNotThrown) {
  StreamingMessage got;
  UnreadableMessage bad;
  ASSERT_FALSE(ReadStreamingMessage(std::string("\xFF\xFF\xFF\xFF\xFF", 5), &got, &bad));
  EXPECT_EQ(bad.content_field, 0);
  EXPECT_EQ(bad.error, "not protobuf wire format");
}

}  // namespace
}  // namespace pyfn
