#include "host/workers/worker_pool.h"

#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>

#include <algorithm>
#include <climits>

#include "FunctionRpc.grpc.pb.h"
#include "host/app/load_failures.h"
#include "host/app/worker_metadata.h"
#include "host/workers/trace_context.h"
#include "proto/stream_codec.h"

// The generated raw callback method of EventStream; gRPC 1.30's plugin (no
// version_info.h yet) still called it Experimental....
#if __has_include(<grpcpp/version_info.h>)
#define PYFN_RAW_CALLBACK_EVENT_STREAM WithRawCallbackMethod_EventStream
#else
#define PYFN_RAW_CALLBACK_EVENT_STREAM ExperimentalWithRawCallbackMethod_EventStream
#endif

namespace pyfn {

// One worker's stream, driven by gRPC's callback API: no thread of its own.
// Send() starts the write on the caller's thread when none is in flight and
// queues the message otherwise; OnWriteDone starts the next one. Reads run
// one at a time on gRPC's callback threads: each message is handed to the
// pool (OnMessage) before the next read starts. gRPC owns the reactor until
// OnDone; the pool's shared_ptr may outlive that (Send and Cancel are no-ops
// then).
class StreamChannel final : public grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  StreamChannel(WorkerPool* pool, grpc::CallbackServerContext* ctx) : pool_(pool), ctx_(ctx) {}

  // Makes gRPC's reference and starts reading; `self` is this channel.
  void Start(std::shared_ptr<StreamChannel> self) {
    {
      pyfn::MutexLock l(mu_);
      self_ = std::move(self);
    }
    StartRead(&in_);
  }

  // Serialised here, before the lock.
  void Send(const rpc::StreamingMessage& msg) {
    // One ByteSizeLong (gRPC's serializer computes it twice), written into
    // one slice.
    grpc::Slice slice(msg.ByteSizeLong());
    msg.SerializeWithCachedSizesToArray(const_cast<uint8_t*>(slice.begin()));
    Send(std::move(slice));
  }
  // One serialised StreamingMessage.
  void Send(grpc::Slice bytes) {
    pyfn::MutexLock l(mu_);
    if (closed_) return;
    if (writing_) {
      queue_.push_back(std::move(bytes));
      return;
    }
    WriteLocked(&bytes);
  }

  void Cancel() {
    pyfn::MutexLock l(mu_);
    if (!done_) ctx_->TryCancel();
  }

 private:
  void WriteLocked(grpc::Slice* bytes) PYFN_REQUIRES(mu_) {
    grpc::ByteBuffer buffer(bytes, 1);
    out_.Swap(&buffer);
    writing_ = true;
    // The completion (OnWriteDone) comes on a gRPC thread, never inline.
    StartWrite(&out_);
  }

  void OnWriteDone(bool ok) override {
    pyfn::MutexLock l(mu_);
    writing_ = false;
    if (!ok) {
      // The stream is broken; the read side sees it too and reports the close.
      closed_ = true;
      queue_.clear();
      return;
    }
    if (closed_ || queue_.empty()) return;
    grpc::Slice next = std::move(queue_.front());
    queue_.pop_front();
    WriteLocked(&next);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      if (attached_) pool_->OnStreamClosed(worker_id_, this);
      Close(grpc::Status::OK);
      return;
    }
    if (!attached_) {
      if (!ReadStreamingMessage(in_, &msg_, &bad_) || !msg_.has_start_stream()) {
        Close(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "expected StartStream first"));
        return;
      }
      worker_id_ = msg_.start_stream().worker_id();
      std::shared_ptr<StreamChannel> self;
      {
        pyfn::MutexLock l(mu_);
        self = self_;
      }
      if (!pool_->Attach(worker_id_, std::move(self))) {
        spdlog::warn("Rejected a gRPC stream from unknown or unexpected worker '{}'", worker_id_);
        Close(grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "unknown worker id"));
        return;
      }
      attached_ = true;
    } else if (ReadStreamingMessage(in_, &msg_, &bad_)) {
      pool_->OnMessage(worker_id_, msg_);
    } else {
      pool_->OnUnreadableMessage(worker_id_, bad_);
    }
    StartRead(&in_);
  }

  // Ends the stream (once: only the read side calls it, after its last read).
  void Close(grpc::Status status) {
    {
      pyfn::MutexLock l(mu_);
      closed_ = true;
      queue_.clear();
    }
    Finish(std::move(status));
  }

  void OnDone() override {
    std::shared_ptr<StreamChannel> last;
    {
      pyfn::MutexLock l(mu_);
      done_ = true;
      closed_ = true;
      queue_.clear();
      last = std::move(self_);
    }
    // `last` may be the final reference: nothing touches *this after it.
  }

  WorkerPool* const pool_;
  grpc::CallbackServerContext* const ctx_;
  // The read side's own (one read at a time).
  grpc::ByteBuffer in_;
  rpc::StreamingMessage msg_;
  UnreadableMessage bad_;
  std::string worker_id_;
  bool attached_ = false;

  pyfn::Mutex mu_;
  std::shared_ptr<StreamChannel> self_ PYFN_GUARDED_BY(mu_);  // gRPC's reference, until OnDone
  grpc::ByteBuffer out_ PYFN_GUARDED_BY(mu_);                 // the write in flight
  std::deque<grpc::Slice> queue_ PYFN_GUARDED_BY(mu_);  // serialised StreamingMessages
  bool writing_ PYFN_GUARDED_BY(mu_) = false;
  bool closed_ PYFN_GUARDED_BY(mu_) = false;
  bool done_ PYFN_GUARDED_BY(mu_) = false;
};

// FunctionRpc's one method with raw bytes both ways: a worker message that
// does not parse is then one dropped message (or one failed invocation), not
// the end of the worker's stream (stream_codec.h); writes are serialized by
// StreamChannel.
class WorkerPool::Service final
    : public rpc::FunctionRpc::PYFN_RAW_CALLBACK_EVENT_STREAM<rpc::FunctionRpc::Service> {
 public:
  explicit Service(WorkerPool* pool) : pool_(pool) {}

  grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* EventStream(
      grpc::CallbackServerContext* ctx) override {
    auto ch = std::make_shared<StreamChannel>(pool_, ctx);
    StreamChannel* reactor = ch.get();
    reactor->Start(std::move(ch));
    return reactor;
  }

 private:
  WorkerPool* const pool_;
};

namespace {

spdlog::level::level_enum LevelOf(rpc::RpcLog::Level l) {
  switch (l) {
    case rpc::RpcLog::Trace:
    case rpc::RpcLog::Debug: return spdlog::level::debug;
    case rpc::RpcLog::Information: return spdlog::level::info;
    case rpc::RpcLog::Warning: return spdlog::level::warn;
    case rpc::RpcLog::Error: return spdlog::level::err;
    case rpc::RpcLog::Critical: return spdlog::level::critical;
    default: return spdlog::level::off;
  }
}

std::string FormatMs(std::chrono::milliseconds ms) {
  long long t = ms.count();
  char buf[64];
  snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", t / 3600000, (t / 60000) % 60,
           (t / 1000) % 60);
  return buf;
}

// 200 ms, doubling per consecutive failure, at most 10 s.
std::chrono::milliseconds RestartDelay(int failures) {
  long long ms = 200LL << std::min(std::max(failures - 1, 0), 6);
  return std::chrono::milliseconds(std::min(ms, 10000LL));
}

rpc::BindingInfo::DataType DataTypeOf(const std::string& s) {
  if (s == "string") return rpc::BindingInfo::string;
  if (s == "binary") return rpc::BindingInfo::binary;
  if (s == "stream") return rpc::BindingInfo::stream;
  return rpc::BindingInfo::undefined;
}

}  // namespace

std::string FormatRpcLog(const rpc::RpcLog& log, const std::string& function_name,
                         const std::string& worker_id) {
  std::string text;
  if (!function_name.empty() && !log.invocation_id().empty())
    text = "Functions." + function_name + " (Id=" + log.invocation_id() + "): " + log.message();
  else
    text = "Worker " + worker_id + ": " + log.message();
  if (log.has_exception()) {
    const auto& ex = log.exception();
    if (!ex.message().empty() && log.message().find(ex.message()) == std::string::npos)
      text += "\n" + ex.message();
    if (!ex.stack_trace().empty()) text += "\n" + ex.stack_trace();
  }
  return text;
}

WorkerPool::WorkerPool(WorkerPoolOptions options, FunctionRegistry* registry, Callbacks callbacks)
    : options_(std::move(options)),
      registry_(registry),
      callbacks_(std::move(callbacks)),
      service_(new Service(this)) {}

WorkerPool::~WorkerPool() { Shutdown(std::chrono::milliseconds(0)); }

namespace {

std::vector<std::string> KeyValues(const Environment& env) {
  std::vector<std::string> out;
  out.reserve(env.size());
  for (const auto& kv : env) out.push_back(kv.first + "=" + kv.second);
  return out;
}

// How long a worker replaced by Restart() may take to exit after WorkerTerminate.
constexpr std::chrono::seconds kRetireGrace{5};

}  // namespace

Status WorkerPool::Start() {
  {
    pyfn::MutexLock l(mu_);
    env_ = options_.environment.empty() ? CurrentEnvironment() : KeyValues(options_.environment);
  }
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &grpc_port_);
  builder.RegisterService(service_.get());
  builder.SetMaxReceiveMessageSize(INT_MAX);
  builder.SetMaxSendMessageSize(INT_MAX);
  // No BDP probing: on loopback it only adds a PING (and its ack) to every
  // message, a write and a read each way per invocation; HTTP/2's flow
  // control still sends WINDOW_UPDATEs as the window is used.
  builder.AddChannelArgument(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  server_ = builder.BuildAndStart();
  if (!server_ || grpc_port_ == 0)
    return Status::IOError("cannot start the gRPC server for the workers on 127.0.0.1");
  spdlog::debug("gRPC server for workers listening on 127.0.0.1:{}", grpc_port_);
  {
    pyfn::MutexLock l(mu_);
    for (int i = 0; i < options_.count; ++i) {
      workers_.emplace_back(new Worker());
      workers_.back()->slot = i;
      SpawnWorker(workers_.back().get());
    }
  }
  supervisor_ = std::thread([this] { SupervisorLoop(); });
  return Status::OK();
}

void WorkerPool::SpawnWorker(Worker* w) {
  w->id = NewUuid();
  std::string request_id = NewUuid();
  Subprocess::Options o;
  o.argv = WorkerCommandLine(options_.config, grpc_port_, w->id, request_id, INT_MAX);
  o.env = env_;
  o.search_path = true;
  o.working_directory = options_.script_root;
  std::string id = w->id;
  Status s = Subprocess::Spawn(
      o, [id](int, const std::string& line) { spdlog::info("Worker {}: {}", id, line); }, &w->proc);
  if (!s.ok()) {
    w->state = State::kIdle;
    w->pid = -1;
    w->failures++;
    auto delay = RestartDelay(w->failures);
    w->restart_at = Clock::now() + delay;
    spawn_failing_ = true;
    spdlog::error("Cannot start language worker {}: {} (check {} or "
                  "languageWorkers__python__defaultExecutablePath); retrying in {}ms",
                  w->slot, s.message(), options_.config.config_path, delay.count());
    return;
  }
  spawn_failing_ = false;
  w->pid = w->proc->pid();
  w->state = State::kStarting;
  w->deadline = Clock::now() + options_.startup_timeout;
  w->was_ready = false;
  spdlog::info("Starting worker process {} (pid {}): {}", w->id, w->pid, o.argv[0]);
}

WorkerPool::Worker* WorkerPool::FindWorker(const std::string& id) {
  for (auto& w : workers_)
    if (w->id == id && w->state != State::kIdle) return w.get();
  return nullptr;
}

bool WorkerPool::Attach(const std::string& worker_id, std::shared_ptr<StreamChannel> channel) {
  pyfn::MutexLock l(mu_);
  Worker* w = FindWorker(worker_id);
  if (w == nullptr || w->state != State::kStarting || stopping_) return false;
  w->channel = std::move(channel);
  w->state = State::kInitializing;
  w->deadline = Clock::now() + options_.startup_timeout;
  rpc::StreamingMessage m;
  m.set_request_id(NewUuid());
  auto* init = m.mutable_worker_init_request();
  init->set_host_version(options_.host_version);
  for (const char* cap : {"RpcHttpBodyOnly", "RpcHttpTriggerMetadataRemoved", "RawHttpBodyBytes",
                          "TypedDataCollection", "HandlesWorkerTerminateMessage"})
    (*init->mutable_capabilities())[cap] = "true";
  init->set_worker_directory(options_.config.directory);
  init->set_function_app_directory(options_.script_root);
  Send(w, m);
  return true;
}

void WorkerPool::Send(Worker* w, const rpc::StreamingMessage& msg) {
  if (w->channel) w->channel->Send(msg);
}

void WorkerPool::OnMessage(const std::string& worker_id, rpc::StreamingMessage& msg) {
  Deferred later;
  {
    pyfn::MutexLock l(mu_);
    Worker* w = FindWorker(worker_id);
    if (w == nullptr) return;
    // A worker Restart() replaced only finishes its invocations: what it says
    // about loading the app is about the old files.
    if (w->retiring && msg.content_case() != rpc::StreamingMessage::kInvocationResponse &&
        msg.content_case() != rpc::StreamingMessage::kRpcLog)
      return;
    switch (msg.content_case()) {
      case rpc::StreamingMessage::kWorkerInitResponse:
        OnInitResponse(w, msg.worker_init_response(), &later);
        break;
      case rpc::StreamingMessage::kFunctionMetadataResponse:
        OnMetadataResponse(w, msg.function_metadata_response(), &later);
        break;
      case rpc::StreamingMessage::kFunctionLoadResponse:
        OnLoadResponse(w, msg.function_load_response(), &later);
        break;
      case rpc::StreamingMessage::kFunctionLoadResponseCollection:
        for (const auto& r : msg.function_load_response_collection().function_load_responses())
          OnLoadResponse(w, r, &later);
        break;
      case rpc::StreamingMessage::kInvocationResponse:
        OnInvocationResponse(w, msg.mutable_invocation_response(), &later);
        break;
      case rpc::StreamingMessage::kRpcLog:
        OnRpcLog(w, msg.rpc_log());
        break;
      default:
        spdlog::debug("Worker {}: ignoring message {}", worker_id,
                      static_cast<int>(msg.content_case()));
        break;
    }
  }
  for (auto& f : later) f();
}

namespace {

// Once a minute at most: true when a report may be written now; counts the
// ones that may not in *suppressed and hands the count over when allowed.
bool ReportAllowed(std::chrono::steady_clock::time_point* last, int* suppressed,
                   int* suppressed_before) {
  auto now = std::chrono::steady_clock::now();
  if (*last != std::chrono::steady_clock::time_point{} &&
      now - *last < std::chrono::minutes(1)) {
    ++*suppressed;
    return false;
  }
  *last = now;
  *suppressed_before = *suppressed;
  *suppressed = 0;
  return true;
}

}  // namespace

void WorkerPool::OnUnreadableMessage(const std::string& worker_id, const UnreadableMessage& bad) {
  Deferred later;
  {
    pyfn::MutexLock l(mu_);
    Worker* w = FindWorker(worker_id);
    if (w == nullptr) return;
    std::string why = "worker " + worker_id + " sent a " +
                      (bad.content_name.empty() ? std::string("message") : bad.content_name) +
                      " the host cannot read: " + bad.error;
    int earlier = 0;
    if (ReportAllowed(&unreadable_report_at_, &unreadable_reports_suppressed_, &earlier))
      spdlog::error("{}{}", why,
                    earlier ? fmt::format(" ({} more such message(s) in the last minute)", earlier)
                            : std::string());
    if (bad.content_field == rpc::StreamingMessage::kInvocationResponseFieldNumber &&
        !bad.id.empty()) {
      rpc::InvocationResponse r;
      r.set_invocation_id(bad.id);
      r.mutable_result()->set_status(rpc::StatusResult::Failure);
      r.mutable_result()->mutable_exception()->set_message(why);
      OnInvocationResponse(w, &r, &later);
    } else if (bad.content_field == rpc::StreamingMessage::kFunctionLoadResponseFieldNumber &&
               !bad.id.empty()) {
      rpc::FunctionLoadResponse r;
      r.set_function_id(bad.id);
      r.mutable_result()->set_status(rpc::StatusResult::Failure);
      r.mutable_result()->mutable_exception()->set_message(why);
      OnLoadResponse(w, r, &later);
    }
  }
  for (auto& f : later) f();
}

void WorkerPool::OnInitResponse(Worker* w, const rpc::WorkerInitResponse& r, Deferred* later) {
  if (w->state != State::kInitializing) return;
  if (r.result().status() == rpc::StatusResult::Failure) {
    KillWorker(w, "failed to initialize: " + r.result().exception().message(), later);
    return;
  }
  auto uri = r.capabilities().find("HttpUri");
  if (uri != r.capabilities().end() && !uri->second.empty()) {
    w->http_uri = uri->second;
    proxies_http_.store(true);
    spdlog::info("Worker {} serves HTTP functions over {} (streaming HTTP)", w->id, w->http_uri);
  }
  const auto& md = r.worker_metadata();
  spdlog::debug("Worker {} initialized ({} {}, worker {})", w->id, md.runtime_name(),
                md.runtime_version(), md.worker_version());
  if (options_.config.worker_indexing) {
    rpc::StreamingMessage m;
    m.set_request_id(NewUuid());
    m.mutable_functions_metadata_request()->set_function_app_directory(options_.script_root);
    w->state = State::kIndexing;
    w->deadline = Clock::now() + options_.metadata_timeout;
    Send(w, m);
  } else {
    IndexDone(w, later);
  }
}

void WorkerPool::OnMetadataResponse(Worker* w, const rpc::FunctionMetadataResponse& r,
                                    Deferred* later) {
  if (w->state != State::kIndexing) return;
  if (!indexed_ && !r.use_default_metadata_indexing()) {
    if (r.result().status() == rpc::StatusResult::Failure) {
      indexing_error_ = r.result().exception().message();
      if (indexing_error_.empty()) indexing_error_ = "the worker's FunctionMetadataResponse failed";
      spdlog::error("Worker indexing failed: {}{}", r.result().exception().message(),
                    r.result().exception().stack_trace().empty()
                        ? ""
                        : "\n" + r.result().exception().stack_trace());
    } else {
      std::vector<FunctionSpec> specs;
      for (const auto& md : r.function_metadata_results())
        specs.push_back(FunctionSpecFromMetadata(md, options_.script_root));
      spdlog::info("Worker indexing found {} function(s)", specs.size());
      // The registry keeps only host.json "functions" (when set): the others
      // get no route, no trigger and no FunctionLoadRequest (StartLoading).
      PublishFunctions(registry_, std::move(specs));
    }
  }
  IndexDone(w, later);
}

void WorkerPool::IndexDone(Worker* w, Deferred* later) {
  if (!indexed_) {
    indexed_ = true;
    if (callbacks_.on_indexed) later->push_back(callbacks_.on_indexed);
  }
  StartLoading(w, later);
}

void WorkerPool::StartLoading(Worker* w, Deferred* later) {
  auto set = registry_->Get();
  w->loading.clear();
  std::vector<rpc::StreamingMessage> msgs;
  for (const auto& fn : set->functions) {
    if (fn.disabled || !fn.load_status.ok()) continue;
    rpc::StreamingMessage m;
    m.set_request_id(NewUuid());
    auto* req = m.mutable_function_load_request();
    req->set_function_id(fn.function_id);
    auto* md = req->mutable_metadata();
    md->set_name(fn.name);
    md->set_function_id(fn.function_id);
    md->set_directory(fn.directory);
    md->set_script_file(fn.script_file);
    md->set_entry_point(fn.entry_point);
    md->set_language("python");
    for (const auto& b : fn.bindings) {
      rpc::BindingInfo bi;
      bi.set_type(b.type);
      bi.set_direction(b.direction == BindingDirection::kIn    ? rpc::BindingInfo::in
                       : b.direction == BindingDirection::kOut ? rpc::BindingInfo::out
                                                               : rpc::BindingInfo::inout);
      bi.set_data_type(DataTypeOf(b.data_type));
      (*md->mutable_bindings())[b.name] = bi;
    }
    for (const auto& raw : fn.raw_bindings) md->add_raw_bindings(raw);
    w->loading.insert(fn.function_id);
    msgs.push_back(std::move(m));
  }
  w->state = State::kLoading;
  w->deadline = Clock::now() + options_.load_timeout;
  for (const auto& m : msgs) Send(w, m);
  if (w->loading.empty()) MarkReady(w, later);
}

void WorkerPool::OnLoadResponse(Worker* w, const rpc::FunctionLoadResponse& r, Deferred* later) {
  if (w->state != State::kLoading || w->loading.erase(r.function_id()) == 0) return;
  if (r.result().status() != rpc::StatusResult::Success) {
    auto set = registry_->Get();
    const FunctionSpec* fn = set->FindById(r.function_id());
    std::string name = fn ? fn->name : r.function_id();
    std::string msg = r.result().exception().message();
    if (msg.empty()) msg = r.result().result();
    if (msg.empty()) msg = "the worker could not load " + (fn ? fn->script_file : name);
    // pyfn-worker already says "Function 'X' failed to load from <file>: ...".
    std::string prefix = "Function '" + name + "' failed to load from ";
    if (msg.rfind(prefix, 0) == 0) msg = msg.substr(prefix.size());
    std::string stack = r.result().exception().stack_trace();
    RecordLoadFailure(registry_, name, Status::InvalidArgument(msg),
                      stack.empty() ? "" : "\n" + stack);
  }
  if (w->loading.empty()) MarkReady(w, later);
}

void WorkerPool::MarkReady(Worker* w, Deferred* later) {
  w->state = State::kReady;
  w->ready_since = Clock::now();
  w->was_ready = true;
  spdlog::info("Worker {} (pid {}) is ready", w->id, w->pid);
  if (!all_ready_announced_) {
    bool all = true;
    for (const auto& x : workers_) all = all && (x->retiring || x->state == State::kReady);
    if (all) {
      all_ready_announced_ = true;
      if (callbacks_.on_all_ready) later->push_back(callbacks_.on_all_ready);
    }
  }
  DrainWaiting();
}

WorkerPool::Worker* WorkerPool::PickWorker() {
  Worker* best = nullptr;
  size_t n = workers_.size();
  for (size_t k = 0; k < n; ++k) {
    Worker* w = workers_[(rr_ + k) % n].get();
    if (w->state != State::kReady || w->retiring) continue;
    if (best == nullptr || w->inflight.size() < best->inflight.size()) best = w;
  }
  if (best) rr_ = (static_cast<size_t>(best->slot) + 1) % n;
  return best;
}

void WorkerPool::SendInvocation(Worker* w, const std::string& function_name,
                                OutgoingInvocation invocation,
                                std::function<void(Status, rpc::InvocationResponse)> done) {
  RecordInvocation(w, function_name, &invocation, std::move(done));
  if (w->channel) w->channel->Send(std::move(invocation.bytes));
}

void WorkerPool::RecordInvocation(Worker* w, const std::string& function_name,
                                  OutgoingInvocation* invocation,
                                  std::function<void(Status, rpc::InvocationResponse)> done) {
  Pending p;
  p.slot = w->slot;
  p.worker_id = w->id;
  p.function_name = function_name;
  if (invocation->http) p.what = std::move(invocation->http_summary);
  p.done = std::move(done);
  if (options_.function_timeout) p.deadline = Clock::now() + *options_.function_timeout;
  const std::string& id = invocation->invocation_id;
  w->inflight.insert(id);
  if (invocation->http && callbacks_.on_http_invocation_sent)
    callbacks_.on_http_invocation_sent(id, w->http_uri);
  pending_[id] = std::move(p);
}

void WorkerPool::DrainWaiting() {
  while (!waiting_.empty()) {
    Worker* w = PickWorker();
    if (w == nullptr) return;
    Waiting x = std::move(waiting_.front());
    waiting_.pop_front();
    SendInvocation(w, x.function_name, std::move(x.invocation), std::move(x.done));
  }
}

void WorkerPool::Dispatch(const FunctionSpec& fn, OutgoingInvocation invocation,
                          std::function<void(Status, rpc::InvocationResponse)> done) {
  std::shared_ptr<StreamChannel> channel;
  std::function<void(Status, rpc::InvocationResponse)> refused;  // the host is stopping
  {
    pyfn::MutexLock l(mu_);
    if (stopping_) {
      refused = std::move(done);
    } else {
      Worker* w = PickWorker();
      if (w == nullptr) {
        waiting_.push_back(Waiting{fn.name, std::move(invocation), std::move(done),
                                   Clock::now() + options_.worker_wait});
        return;
      }
      RecordInvocation(w, fn.name, &invocation, std::move(done));
      channel = w->channel;
    }
  }
  if (refused) {
    refused(Status::Unavailable("the host is stopping"), rpc::InvocationResponse());
    return;
  }
  // The write starts here, outside the pool's lock: the stream orders it
  // behind any in flight, and a worker killed meanwhile has already failed
  // this invocation.
  if (channel) channel->Send(std::move(invocation.bytes));
}

void WorkerPool::OnInvocationResponse(Worker* w, rpc::InvocationResponse* r, Deferred* later) {
  auto it = pending_.find(r->invocation_id());
  if (it == pending_.end() || it->second.worker_id != w->id) return;  // late (timed out)
  auto done = std::move(it->second.done);
  pending_.erase(it);
  w->inflight.erase(r->invocation_id());
  // Moved, not copied: a response may carry a large body.
  later->push_back([done = std::move(done), resp = std::move(*r)]() mutable {
    done(Status::OK(), std::move(resp));
  });
}

void WorkerPool::OnRpcLog(Worker* w, const rpc::RpcLog& log) {
  auto level = LevelOf(log.level());
  if (level == spdlog::level::off) return;
  std::string fn;
  if (!log.invocation_id().empty()) {
    auto it = pending_.find(log.invocation_id());
    if (it != pending_.end()) {
      fn = it->second.function_name;
    } else {
      // "Function.<name>.User": the invocation may have finished already.
      const std::string& c = log.category();
      if (c.rfind("Function.", 0) == 0) {
        size_t end = c.find('.', 9);
        fn = c.substr(9, end == std::string::npos ? std::string::npos : end - 9);
      }
    }
  }
  spdlog::log(level, "{}", FormatRpcLog(log, fn, w->id));
}

void WorkerPool::ReportDeath(const Worker& w, const std::string& reason) {
  if (stopping_ || w.inflight.empty()) return;
  int earlier = 0;
  if (!ReportAllowed(&death_report_at_, &death_reports_suppressed_, &earlier)) return;
  std::string list;
  int shown = 0;
  for (const auto& id : w.inflight) {
    auto it = pending_.find(id);
    if (it == pending_.end()) continue;
    if (shown++ == 3) {
      list += ", ...";
      break;
    }
    if (!list.empty()) list += ", ";
    list += "Functions." + it->second.function_name + " (Id=" + id +
            (it->second.what.empty() ? "" : ", " + it->second.what) + ")";
  }
  spdlog::error("Worker {} (pid {}) {} while running {} invocation(s); one of them may be the "
                "cause: {}{}",
                w.id, w.pid, reason, w.inflight.size(), list,
                earlier ? fmt::format(" ({} more such report(s) in the last minute)", earlier)
                        : std::string());
}

void WorkerPool::KillWorker(Worker* w, const std::string& reason, Deferred* later) {
  if (w->state == State::kIdle) return;
  bool was_ready = w->state == State::kReady;
  w->state = State::kIdle;
  ReportDeath(*w, reason);
  for (const auto& id : w->inflight) {
    auto it = pending_.find(id);
    if (it == pending_.end()) continue;
    auto done = std::move(it->second.done);
    pending_.erase(it);
    std::string msg = "the worker process running this invocation " + reason;
    later->push_back([done, msg] { done(Status::Aborted(msg), rpc::InvocationResponse()); });
  }
  w->inflight.clear();
  w->loading.clear();
  if (w->channel) {
    w->channel->Cancel();
    w->channel.reset();
  }
  if (w->pid > 0 && w->proc) {
    Status s = w->proc->SignalGroup(SIGKILL);
    if (!s.ok()) spdlog::warn("Cannot kill worker {}: {}", w->id, s.message());
  }
  if (stopping_ || w->retiring) {
    spdlog::info("Worker {} (pid {}) {}", w->id, w->pid, reason);
    return;
  }
  // A worker that got ready and then died (killed, OOM, os._exit) is replaced
  // at once; only workers that never get ready back off (crash loops).
  if (was_ready) w->failures = 0;
  w->failures++;
  w->restarts++;
  auto delay = was_ready ? std::chrono::milliseconds(0) : RestartDelay(w->failures);
  w->restart_at = Clock::now() + delay;
  spdlog::error("Worker {} (pid {}) {}; restarting it in {}ms (restart #{})", w->id, w->pid,
                reason, delay.count(), w->restarts);
  cv_.notify_all();
}

void WorkerPool::OnStreamClosed(const std::string& worker_id, const StreamChannel* ch) {
  Deferred later;
  {
    pyfn::MutexLock l(mu_);
    Worker* w = FindWorker(worker_id);
    if (w != nullptr && w->channel.get() == ch) KillWorker(w, "closed its gRPC stream", &later);
  }
  for (auto& f : later) f();
}

void WorkerPool::OnChildExit(pid_t pid, int wait_status, Deferred* later) {
  for (auto& w : workers_) {
    if (w->pid != pid) continue;
    std::string how = DescribeWaitStatus(wait_status);
    KillWorker(w.get(), how, later);
    w->pid = -1;
    w->proc.reset();  // joins the output pump (the pipes are at EOF or get stopped)
    return;
  }
  spdlog::debug("Reaped process {} ({})", pid, DescribeWaitStatus(wait_status));
}

void WorkerPool::CheckDeadlines(Deferred* later) {
  auto now = Clock::now();
  for (auto& wp : workers_) {
    Worker* w = wp.get();
    if (w->retiring) {
      RetireStep(w, now, later);
      continue;
    }
    if (w->state == State::kIdle) {
      if (w->pid < 0 && !stopping_ && now >= w->restart_at) SpawnWorker(w);
      continue;
    }
    if (now < w->deadline) continue;
    switch (w->state) {
      case State::kStarting:
        KillWorker(w, "did not connect within " + std::to_string(options_.startup_timeout.count()) +
                          "ms", later);
        break;
      case State::kInitializing:
        KillWorker(w, "did not answer WorkerInitRequest in time", later);
        break;
      case State::kIndexing:
        spdlog::warn("Worker {} did not answer FunctionsMetadataRequest within {}s; indexing "
                     "function.json folders instead",
                     w->id, options_.metadata_timeout.count() / 1000);
        IndexDone(w, later);
        break;
      case State::kLoading:
        KillWorker(w, "did not load the functions in time", later);
        break;
      default:
        break;
    }
  }
  // functionTimeout.
  std::vector<std::string> expired;
  for (const auto& kv : pending_)
    if (kv.second.deadline && now >= *kv.second.deadline) expired.push_back(kv.first);
  for (const auto& id : expired) {
    auto it = pending_.find(id);
    if (it == pending_.end()) continue;  // failed by an earlier KillWorker
    Pending p = std::move(it->second);
    pending_.erase(it);
    spdlog::error("Timeout value of {} exceeded by function 'Functions.{}' (Id: '{}'). "
                  "Initiating cancellation.",
                  FormatMs(*options_.function_timeout), p.function_name, id);
    auto done = std::move(p.done);
    std::string msg = "Timeout value of " + FormatMs(*options_.function_timeout) +
                      " was exceeded by function: Functions." + p.function_name;
    later->push_back([done, msg] { done(Status::TimedOut(msg), rpc::InvocationResponse()); });
    Worker* w = FindWorker(p.worker_id);
    if (w != nullptr) {
      w->inflight.erase(id);
      rpc::StreamingMessage m;
      m.set_request_id(NewUuid());
      m.mutable_invocation_cancel()->set_invocation_id(id);
      Send(w, m);
      spdlog::error("A function timeout has occurred. Restarting worker process executing "
                    "invocationId '{}'.",
                    id);
      KillWorker(w, "was restarted after a function timeout", later);
    }
  }
  // Retired workers that are gone.
  for (auto it = workers_.begin(); it != workers_.end();) {
    Worker* w = it->get();
    if (w->retiring && w->state == State::kIdle && w->pid < 0) {
      retired_restarts_ += w->restarts;
      it = workers_.erase(it);
    } else {
      ++it;
    }
  }
  while (!waiting_.empty() && now >= waiting_.front().deadline) {
    auto done = std::move(waiting_.front().done);
    waiting_.pop_front();
    long long secs = options_.worker_wait.count() / 1000;
    later->push_back([done, secs] {
      done(Status::Unavailable("no language worker became ready within " +
                               std::to_string(secs) + "s"),
           rpc::InvocationResponse());
    });
  }
}

void WorkerPool::RetireStep(Worker* w, Clock::time_point now, Deferred* later) {
  if (w->state == State::kIdle) return;  // exited; reaped by OnChildExit
  if (w->state != State::kReady) {       // still starting: nothing of value runs there
    KillWorker(w, "was replaced before it got ready", later);
    return;
  }
  if (!w->inflight.empty()) return;
  if (!w->terminate_sent) {
    w->terminate_sent = true;
    w->deadline = now + kRetireGrace;
    rpc::StreamingMessage m;
    m.set_request_id(NewUuid());
    m.mutable_worker_terminate()->mutable_grace_period()->set_seconds(kRetireGrace.count());
    Send(w, m);
    spdlog::debug("Worker {} (pid {}) was replaced and is idle: terminating it", w->id, w->pid);
  } else if (now >= w->deadline) {
    KillWorker(w, "was replaced and did not exit after WorkerTerminate", later);
  }
}

void WorkerPool::Restart(const std::string& why, std::optional<Environment> environment) {
  pyfn::MutexLock l(mu_);
  if (stopping_ || workers_.empty()) return;
  if (environment) env_ = KeyValues(*environment);
  indexed_ = false;
  indexing_error_.clear();
  all_ready_announced_ = false;
  std::vector<std::unique_ptr<Worker>> next;
  int old = 0;
  for (int i = 0; i < options_.count; ++i) {
    next.emplace_back(new Worker());
    next.back()->slot = i;
  }
  for (auto& w : workers_) {
    if (!w->retiring) ++old;
    w->retiring = true;
    next.push_back(std::move(w));
  }
  workers_ = std::move(next);
  rr_ = 0;
  spdlog::info("Restarting the language workers ({}): {} new, {} old one(s) finish their "
               "invocations first",
               why, options_.count, old);
  for (int i = 0; i < options_.count; ++i) SpawnWorker(workers_[static_cast<size_t>(i)].get());
  wake_ = true;
  cv_.notify_all();
}

void WorkerPool::SupervisorLoop() {
  pyfn::MutexLock l(mu_);
  while (!quit_) {
    Deferred later;
    l.unlock();
    std::vector<std::pair<pid_t, int>> exited;
    ReapChildren([&](pid_t pid, int st) { exited.emplace_back(pid, st); });
    l.lock();
    for (const auto& e : exited) OnChildExit(e.first, e.second, &later);
    CheckDeadlines(&later);
    if (!later.empty()) {
      l.unlock();
      for (auto& f : later) f();
      l.lock();
    }
    cv_.wait_for(l, std::chrono::milliseconds(50),
                 [&]() PYFN_REQUIRES(mu_) { return quit_ || wake_; });
    wake_ = false;
  }
}

void WorkerPool::Wake() {
  pyfn::MutexLock l(mu_);
  wake_ = true;
  cv_.notify_all();
}

int WorkerPool::ready_workers() const {
  pyfn::MutexLock l(mu_);
  int n = 0;
  for (const auto& w : workers_) n += w->state == State::kReady && !w->retiring;
  return n;
}

int WorkerPool::in_flight() const {
  pyfn::MutexLock l(mu_);
  return static_cast<int>(pending_.size() + waiting_.size());
}

bool WorkerPool::spawn_failing() const {
  pyfn::MutexLock l(mu_);
  return spawn_failing_;
}

std::string WorkerPool::indexing_error() const {
  pyfn::MutexLock l(mu_);
  return indexing_error_;
}

long long WorkerPool::restarts_total() const {
  pyfn::MutexLock l(mu_);
  long long n = retired_restarts_;
  for (const auto& w : workers_) n += w->restarts;
  return n;
}

void WorkerPool::KillAll() {
  pyfn::MutexLock l(mu_);
  for (auto& w : workers_)
    if (w->pid > 0) ::kill(-w->pid, SIGKILL);
}

void WorkerPool::Shutdown(std::chrono::milliseconds grace) {
  Deferred later;
  {
    pyfn::MutexLock l(mu_);
    if (shut_down_) return;
    shut_down_ = true;
    stopping_ = true;
    for (auto& x : waiting_) {
      auto done = std::move(x.done);
      later.push_back(
          [done] { done(Status::Unavailable("the host is stopping"), rpc::InvocationResponse()); });
    }
    waiting_.clear();
    for (auto& w : workers_) {
      if (!w->channel) continue;
      rpc::StreamingMessage m;
      m.set_request_id(NewUuid());
      auto* gp = m.mutable_worker_terminate()->mutable_grace_period();
      gp->set_seconds(grace.count() / 1000);
      gp->set_nanos(static_cast<int>((grace.count() % 1000) * 1000000));
      Send(w.get(), m);
    }
  }
  for (auto& f : later) f();
  later.clear();
  auto all_reaped = [&] {
    pyfn::MutexLock l(mu_);
    for (const auto& w : workers_)
      if (w->pid > 0) return false;
    return true;
  };
  bool supervised = supervisor_.joinable();
  auto until = Clock::now() + grace;
  while (supervised && Clock::now() < until && !all_reaped())
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  {
    pyfn::MutexLock l(mu_);
    for (auto& w : workers_) {
      if (w->pid > 0) {
        spdlog::warn("Worker {} (pid {}) did not exit within the grace period; killing it", w->id,
                     w->pid);
      }
      KillWorker(w.get(), "was stopped", &later);
    }
  }
  for (auto& f : later) f();
  until = Clock::now() + std::chrono::seconds(2);
  while (supervised && Clock::now() < until && !all_reaped())
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  {
    pyfn::MutexLock l(mu_);
    quit_ = true;
    cv_.notify_all();
  }
  if (supervisor_.joinable()) supervisor_.join();
  if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  pyfn::MutexLock l(mu_);
  for (auto& w : workers_) w->proc.reset();
}

}  // namespace pyfn
