#include "rpc_stream.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>

namespace pyfn {

RpcStream::RpcStream() {
  event_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
}

RpcStream::~RpcStream() {
  Close(std::chrono::milliseconds(0));
  if (event_fd_ >= 0) close(event_fd_);
}

Status RpcStream::Open(const std::string& target, const std::string& worker_id,
                       int max_message_length, std::chrono::milliseconds connect_timeout) {
  if (event_fd_ < 0) return Status::Error("eventfd failed");
  grpc::ChannelArguments args;
  if (max_message_length >= 0) {
    args.SetMaxReceiveMessageSize(max_message_length);
    args.SetMaxSendMessageSize(max_message_length);
  }
  // No BDP probing: on loopback it only adds a PING (and its ack) to every
  // message, a write and a read each way per invocation.
  args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  channel_ = grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
  if (!channel_->WaitForConnected(std::chrono::system_clock::now() + connect_timeout)) {
    return Status::Error("cannot connect to the host at " + target);
  }
  // The generated stub would parse every incoming message itself and end the
  // call on one that does not parse; this stream hands us the raw bytes.
  stream_.reset(grpc::internal::ClientReaderWriterFactory<StreamingMessage, grpc::ByteBuffer>::Create(
      channel_.get(),
      grpc::internal::RpcMethod(kEventStreamMethod, grpc::internal::RpcMethod::BIDI_STREAMING,
                                channel_),
      &context_));
  if (!stream_) return Status::Error("cannot open EventStream on " + target);

  StreamingMessage start;
  start.mutable_start_stream()->set_worker_id(worker_id);
  Send(std::move(start));
  reader_ = std::thread([this] { ReaderLoop(); });
  writer_ = std::thread([this] { WriterLoop(); });
  return Status::OK();
}

void RpcStream::SignalLocked() {
  if (signalled_) return;
  uint64_t one = 1;
  ssize_t n;
  do { n = write(event_fd_, &one, sizeof one); } while (n < 0 && errno == EINTR);
  signalled_ = true;
}

void RpcStream::DrainLocked() {
  if (!signalled_ || !incoming_.empty() || read_closed_) return;
  uint64_t value;
  ssize_t n;
  do { n = read(event_fd_, &value, sizeof value); } while (n < 0 && errno == EINTR);
  signalled_ = false;
}

void RpcStream::ReaderLoop() {
  grpc::ByteBuffer raw;
  StreamingMessage msg;
  UnreadableMessage bad;
  while (stream_->Read(&raw)) {
    if (!ReadStreamingMessage(raw, &msg, &bad)) {
      AnswerUnreadable(bad);
      continue;
    }
    MutexLock lock(in_mu_);
    incoming_.push_back(std::move(msg));
    msg = StreamingMessage();
    SignalLocked();
    in_cv_.notify_all();
  }
  MutexLock lock(in_mu_);
  read_closed_ = true;
  SignalLocked();
  in_cv_.notify_all();
}

void RpcStream::AnswerUnreadable(const UnreadableMessage& bad) {
  std::string why = "pyfn-worker could not read the host's " +
                    (bad.content_name.empty() ? std::string("message") : bad.content_name) +
                    ": " + bad.error;
  StreamingMessage out;
  out.set_request_id(bad.request_id);
  AzureFunctionsRpcMessages::StatusResult* result = nullptr;
  if (bad.content_field == StreamingMessage::kInvocationRequestFieldNumber && !bad.id.empty()) {
    auto* r = out.mutable_invocation_response();
    r->set_invocation_id(bad.id);
    result = r->mutable_result();
  } else if (bad.content_field == StreamingMessage::kFunctionLoadRequestFieldNumber &&
             !bad.id.empty()) {
    auto* r = out.mutable_function_load_response();
    r->set_function_id(bad.id);
    result = r->mutable_result();
  }
  if (result != nullptr) {
    result->set_status(AzureFunctionsRpcMessages::StatusResult::Failure);
    result->mutable_exception()->set_message(why);
  } else {
    auto* log = out.mutable_rpc_log();
    log->set_level(AzureFunctionsRpcMessages::RpcLog::Error);
    log->set_category("pyfn.worker");
    log->set_message(why + " (dropped)");
  }
  Send(std::move(out));
}

void RpcStream::WriterLoop() {
  MutexLock lock(out_mu_);
  while (true) {
    out_cv_.wait(lock,
                 [this]() PYFN_REQUIRES(out_mu_) { return out_closed_ || !outgoing_.empty(); });
    if (outgoing_.empty()) break;  // closed and flushed
    StreamingMessage msg = std::move(outgoing_.front());
    outgoing_.pop_front();
    writing_ = true;
    const bool failed = write_failed_;
    lock.unlock();
    bool ok = failed ? false : stream_->Write(msg);
    lock.lock();
    writing_ = false;
    if (!ok) {
      write_failed_ = true;
      outgoing_.clear();
    }
    out_cv_.notify_all();
  }
}

bool RpcStream::TryPop(StreamingMessage* msg, bool* closed) {
  MutexLock lock(in_mu_);
  if (incoming_.empty()) {
    *closed = read_closed_;
    return false;
  }
  *msg = std::move(incoming_.front());
  incoming_.pop_front();
  *closed = false;
  DrainLocked();
  return true;
}

bool RpcStream::WaitReadable(std::chrono::milliseconds timeout) {
  MutexLock lock(in_mu_);
  return in_cv_.wait_for(
      lock, timeout, [this]() PYFN_REQUIRES(in_mu_) { return read_closed_ || !incoming_.empty(); });
}

bool RpcStream::Send(StreamingMessage msg) {
  MutexLock lock(out_mu_);
  if (out_closed_ || write_failed_) return false;
  outgoing_.push_back(std::move(msg));
  out_cv_.notify_all();
  return true;
}

void RpcStream::Close(std::chrono::milliseconds flush_timeout) {
  if (closed_.exchange(true)) return;
  if (!stream_) return;
  bool flushed;
  {
    MutexLock lock(out_mu_);
    flushed = out_cv_.wait_for(lock, flush_timeout, [this]() PYFN_REQUIRES(out_mu_) {
      return outgoing_.empty() && !writing_;
    });
    out_closed_ = true;
    outgoing_.clear();  // empty unless we gave up flushing
    out_cv_.notify_all();
  }
  // A writer stuck in Write() (host not reading) is released by cancelling.
  if (!flushed) context_.TryCancel();
  if (writer_.joinable()) writer_.join();
  if (flushed) stream_->WritesDone();
  // The host may keep its side open; cancelling ends the reader's Read().
  context_.TryCancel();
  if (reader_.joinable()) reader_.join();
  stream_->Finish();
}

}  // namespace pyfn
