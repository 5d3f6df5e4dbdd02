// Reading FunctionRpc.EventStream messages so that one bad message is one
// error, not the end of the stream.
//
// gRPC's typed streams parse each message themselves, and a message that does
// not parse (a `string` field that is not UTF-8, a truncated field) cancels the
// whole call: every invocation in flight on that worker fails with it. Both
// ends of pyfn's stream therefore read raw bytes (grpc::ByteBuffer) and parse
// them here. When parsing fails, ReadStreamingMessage still recovers what it
// can from the wire format (which oneof member was sent, its request and
// invocation/function id) so the reader can fail that one request and go on.
#ifndef PYFN_PROTO_STREAM_CODEC_H_
#define PYFN_PROTO_STREAM_CODEC_H_

#include <grpcpp/support/byte_buffer.h>

#include <string>

#include "FunctionRpc.pb.h"

namespace pyfn {

// What could be read of a message that does not parse.
struct UnreadableMessage {
  int content_field = 0;    // field number of the StreamingMessage.content member, 0 if none
  std::string content_name;  // its name ("invocation_request"), "" if unknown
  std::string request_id;    // StreamingMessage.request_id, as sent (may not be UTF-8)
  // Field 1 of the member: invocation_id of InvocationRequest/Response/Cancel,
  // function_id of FunctionLoadRequest/Response. As sent; "" if absent.
  std::string id;
  std::string error;  // why it did not parse, for logs
};

// Parses `buffer` into *msg. Returns true on success; otherwise fills *bad and
// returns false (*msg is then cleared).
bool ReadStreamingMessage(const grpc::ByteBuffer& buffer,
                          AzureFunctionsRpcMessages::StreamingMessage* msg,
                          UnreadableMessage* bad);

// Same from bytes (tests, fuzzers).
bool ReadStreamingMessage(const std::string& bytes,
                          AzureFunctionsRpcMessages::StreamingMessage* msg,
                          UnreadableMessage* bad);

// The gRPC method both ends use: "/AzureFunctionsRpcMessages.FunctionRpc/EventStream".
extern const char kEventStreamMethod[];

}  // namespace pyfn

#endif  // PYFN_PROTO_STREAM_CODEC_H_
