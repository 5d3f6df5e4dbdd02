// RpcStream: the worker's end of FunctionRpc.EventStream.
//
// Uses only the synchronous ClientReaderWriter API (the same on gRPC 1.30 through
// 1.51+). Two threads own the network:
//   - the reader thread blocks in Read() and appends to the incoming queue; it
//     reads raw bytes and parses them itself (stream_codec.h), so a message
//     that does not parse fails that one request (an InvocationRequest gets a
//     failed InvocationResponse saying why) and the stream goes on; an
//     eventfd is readable whenever the queue is non-empty or the stream has ended,
//     so Python's asyncio loop can wait on it (add_reader) and never blocks inside
//     gRPC;
//   - the writer thread drains the outgoing queue with Write(); Send() only
//     enqueues, so a Python thread never waits on the network.
// Thread safety: every public method may be called from any thread.
#ifndef PYFN_WORKER_RPC_STREAM_H_
#define PYFN_WORKER_RPC_STREAM_H_

#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "FunctionRpc.grpc.pb.h"
#include "host/common/thread_annotations.h"
#include "proto/stream_codec.h"
#include "status.h"

namespace pyfn {

using AzureFunctionsRpcMessages::StreamingMessage;

class RpcStream {
 public:
  RpcStream();
  ~RpcStream();  // Calls Close(0).
  RpcStream(const RpcStream&) = delete;
  RpcStream& operator=(const RpcStream&) = delete;

  // Connects to target ("host:port"), opens the stream, queues StartStream{worker_id}
  // and starts both threads. max_message_length < 0 keeps gRPC's defaults.
  // Waits at most connect_timeout for the channel to become ready.
  Status Open(const std::string& target, const std::string& worker_id, int max_message_length,
              std::chrono::milliseconds connect_timeout);

  // Pops the next incoming message. Returns true and fills *msg if one was queued.
  // Returns false if none is queued (then *closed tells whether the stream ended
  // and no more will come). Never blocks.
  bool TryPop(StreamingMessage* msg, bool* closed);

  // Waits up to `timeout` for a message or the end of the stream.
  // Returns true if TryPop would now return a message or report closed.
  bool WaitReadable(std::chrono::milliseconds timeout);

  // Readable while incoming messages are queued or after the stream ended.
  int readable_fd() const { return event_fd_; }

  // Queues a message for the writer thread. Dropped (returns false) after Close.
  bool Send(StreamingMessage msg);

  // Flushes queued outgoing messages (waiting at most `flush_timeout`), half-closes
  // the stream, cancels the read side and joins both threads. Idempotent.
  void Close(std::chrono::milliseconds flush_timeout);

 private:
  void ReaderLoop();
  // Answers a message that did not parse: a failed InvocationResponse or
  // FunctionLoadResponse when it names one, else an error log on the stream.
  void AnswerUnreadable(const UnreadableMessage& bad);
  void WriterLoop();
  void SignalLocked() PYFN_REQUIRES(in_mu_);
  void DrainLocked() PYFN_REQUIRES(in_mu_);

  std::shared_ptr<grpc::Channel> channel_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReaderWriter<StreamingMessage, grpc::ByteBuffer>> stream_;

  int event_fd_ = -1;

  Mutex in_mu_;
  CondVar in_cv_;
  std::deque<StreamingMessage> incoming_ PYFN_GUARDED_BY(in_mu_);
  bool read_closed_ PYFN_GUARDED_BY(in_mu_) = false;
  bool signalled_ PYFN_GUARDED_BY(in_mu_) = false;  // eventfd counter > 0

  Mutex out_mu_;
  CondVar out_cv_;
  std::deque<StreamingMessage> outgoing_ PYFN_GUARDED_BY(out_mu_);
  bool writing_ PYFN_GUARDED_BY(out_mu_) = false;  // a Write() in progress
  bool out_closed_ PYFN_GUARDED_BY(out_mu_) = false;
  bool write_failed_ PYFN_GUARDED_BY(out_mu_) = false;

  std::thread reader_;
  std::thread writer_;
  std::atomic<bool> closed_{false};
};

}  // namespace pyfn

#endif  // PYFN_WORKER_RPC_STREAM_H_
