// The worker pool: spawns the language workers, speaks the FunctionRpc
// conversation with each (docs/internals.md "The conversation"), routes
// invocations to ready workers and restarts workers that die.
//
// Threads:
//  - gRPC's callback server drives one EventStream per worker (StreamChannel,
//    no thread of its own): its reads run one at a time on gRPC's callback
//    threads (WorkerPool::OnMessage); Send() starts a write on the caller's
//    thread, or queues it behind the one in flight, and never waits for the
//    network.
//  - one supervisor thread (after ninja's SubprocessSet::DoWork) reaps
//    children, enforces deadlines (handshake steps, functionTimeout, the wait
//    for a ready worker) and restarts dead workers with backoff.
// Everything mutable is guarded by mu_. Callbacks given to Dispatch are
// called without mu_ held, exactly once, from one of those threads.
//
// Routing: least outstanding invocations among ready workers, ties broken
// round-robin. A request that finds no ready worker waits up to
// options.worker_wait, then fails with Unavailable (HTTP 503).
// Restart backoff: 200 ms doubling up to 10 s while workers die before they
// get ready; a worker that was ready is replaced at once (tests/prod-kill.bats
// test). On functionTimeout the invocation fails with TimedOut and the
// worker is restarted, as Azure's host does for out-of-process workers.
// Workers start in the script root with WorkerEnvironment() (settings.h).
// Restart() replaces every worker (the app's files changed): the old ones
// take no new invocations, finish what they run and are then terminated;
// new invocations wait for the new workers.
#ifndef PYFN_HOST_WORKER_POOL_H_
#define PYFN_HOST_WORKER_POOL_H_

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/server.h>  // not a forward declaration: gRPC 1.30's grpc::Server is an alias

#include "host/app/function_registry.h"
#include "host/app/settings.h"
#include "host/common/status.h"
#include "host/common/thread_annotations.h"
#include "host/workers/invoker.h"
#include "host/workers/subprocess.h"
#include "proto/stream_codec.h"

namespace pyfn {

struct WorkerPoolOptions {
  int count = 1;
  WorkerConfig config;
  std::string script_root;
  std::string host_version;
  Environment environment;  // the workers' (WorkerEnvironment); Restart may replace it
  std::optional<std::chrono::milliseconds> function_timeout;  // nullopt: none
  std::chrono::milliseconds worker_wait{10000};
  std::chrono::milliseconds startup_timeout{60000};  // spawn -> WorkerInitResponse
  std::chrono::milliseconds metadata_timeout{30000};
  std::chrono::milliseconds load_timeout{120000};    // all FunctionLoadResponses
};

class StreamChannel;

class WorkerPool : public WorkerDispatcher {
 public:
  struct Callbacks {
    std::function<void()> on_indexed;    // the function list is final (once)
    std::function<void()> on_all_ready;  // every worker loaded the functions (once)
    // An HTTP-triggered invocation was sent to a worker: its id and the
    // worker's `HttpUri` capability ("" when the worker did not offer one;
    // streaming HTTP, host/http/http_proxy.h). Called with the pool's lock
    // held: it must not block or call into the pool.
    std::function<void(const std::string& invocation_id, const std::string& http_uri)>
        on_http_invocation_sent;
  };

  // `registry` must outlive the pool. With worker indexing the first worker's
  // FunctionMetadataResponse replaces the registry's functions.
  WorkerPool(WorkerPoolOptions options, FunctionRegistry* registry, Callbacks callbacks);
  ~WorkerPool() override;  // calls Shutdown(0) if needed

  // Starts the gRPC server on 127.0.0.1 (ephemeral port), the supervisor, and
  // the workers. Fails only if the gRPC server cannot start; workers that
  // cannot be spawned are retried with backoff (see spawn_failing()).
  Status Start();

  void Dispatch(const FunctionSpec& fn, OutgoingInvocation invocation,
                std::function<void(Status, rpc::InvocationResponse)> done) override;

  int ready_workers() const;
  int in_flight() const;        // sent to a worker or waiting for one
  bool spawn_failing() const;   // the last spawn attempt failed
  long long restarts_total() const;  // workers restarted since Start (metrics)
  // The error of the first worker's FunctionMetadataResponse, "" when indexing
  // succeeded or the host indexed function.json folders (pyfn-host --index).
  std::string indexing_error() const;
  int grpc_port() const { return grpc_port_; }
  // A worker advertised the `HttpUri` capability (streaming HTTP): the app's
  // HTTP requests are forwarded raw to the worker that runs each invocation.
  bool proxies_http() const { return proxies_http_.load(); }

  // Replaces every worker: new processes start (with `environment` when
  // given), index and load the app again (the registry's functions, or with
  // worker indexing what the first new worker reports), and the callbacks run
  // again when they are done. The old workers get no new invocations; each is
  // sent WorkerTerminate once its running invocations finished (killed after
  // the grace period). Invocations that arrive meanwhile wait for a new worker
  // (options.worker_wait). No-op while stopping.
  void Restart(const std::string& why, std::optional<Environment> environment);

  // Wakes the supervisor (SIGCHLD arrived).
  void Wake();

  // Stops new dispatches (they fail Unavailable), sends WorkerTerminate, waits
  // up to `grace` for the workers to exit, kills what is left, reaps, and
  // stops the gRPC server. In-flight invocations still pending fail Aborted.
  void Shutdown(std::chrono::milliseconds grace);

  // SIGKILLs every worker process group (second signal). Does not wait.
  void KillAll();

 private:
  class Service;
  friend class Service;
  friend class StreamChannel;
  friend class WorkerPoolTestPeer;  // fuzz/worker_stream_fuzzer.cc
  using Clock = std::chrono::steady_clock;
  using Deferred = std::vector<std::function<void()>>;

  enum class State { kIdle, kStarting, kInitializing, kIndexing, kLoading, kReady };

  struct Worker {
    int slot = 0;
    std::string id;  // new for every process
    State state = State::kIdle;
    std::unique_ptr<Subprocess> proc;
    pid_t pid = -1;  // -1 once reaped
    std::shared_ptr<StreamChannel> channel;
    Clock::time_point deadline, ready_since, restart_at;
    bool was_ready = false;
    int failures = 0;  // consecutive, for backoff
    int restarts = 0;
    bool retiring = false;        // replaced by Restart(): no new invocations
    bool terminate_sent = false;  // retiring: WorkerTerminate sent, killed at `deadline`
    std::set<std::string> loading;   // function ids awaiting FunctionLoadResponse
    std::set<std::string> inflight;  // invocation ids
    std::string http_uri;  // the HttpUri capability ("": none)
  };
  struct Pending {
    int slot;
    std::string worker_id;
    std::string function_name;
    std::string what;  // "GET http://host/api/x?..." for HTTP, "" otherwise (death reports)
    std::function<void(Status, rpc::InvocationResponse)> done;
    std::optional<Clock::time_point> deadline;
  };
  struct Waiting {
    std::string function_name;
    OutgoingInvocation invocation;
    std::function<void(Status, rpc::InvocationResponse)> done;
    Clock::time_point deadline;
  };

  // Called by the streams' read side (gRPC's callback threads).
  bool Attach(const std::string& worker_id, std::shared_ptr<StreamChannel> channel);
  // May move parts out of `msg` (an InvocationResponse goes to its caller).
  void OnMessage(const std::string& worker_id, rpc::StreamingMessage& msg);
  // A message from the worker that did not parse: fails the invocation or
  // function load it names, else is logged and dropped; the stream goes on.
  void OnUnreadableMessage(const std::string& worker_id, const UnreadableMessage& bad);
  void OnStreamClosed(const std::string& worker_id, const StreamChannel* ch);

  // The lock is held for all of these.
  Worker* FindWorker(const std::string& id) PYFN_REQUIRES(mu_);
  void SpawnWorker(Worker* w) PYFN_REQUIRES(mu_);
  // Error log naming the invocations in flight on a dying worker (the likely
  // cause), at most once a minute.
  void ReportDeath(const Worker& w, const std::string& reason) PYFN_REQUIRES(mu_);
  void KillWorker(Worker* w, const std::string& reason, Deferred* later) PYFN_REQUIRES(mu_);
  void OnInitResponse(Worker* w, const rpc::WorkerInitResponse& r, Deferred* later)
      PYFN_REQUIRES(mu_);
  void OnMetadataResponse(Worker* w, const rpc::FunctionMetadataResponse& r, Deferred* later)
      PYFN_REQUIRES(mu_);
  void IndexDone(Worker* w, Deferred* later) PYFN_REQUIRES(mu_);
  void StartLoading(Worker* w, Deferred* later) PYFN_REQUIRES(mu_);
  void OnLoadResponse(Worker* w, const rpc::FunctionLoadResponse& r, Deferred* later)
      PYFN_REQUIRES(mu_);
  void MarkReady(Worker* w, Deferred* later) PYFN_REQUIRES(mu_);
  // Moves *r to the invocation's callback.
  void OnInvocationResponse(Worker* w, rpc::InvocationResponse* r, Deferred* later)
      PYFN_REQUIRES(mu_);
  void OnRpcLog(Worker* w, const rpc::RpcLog& log) PYFN_REQUIRES(mu_);
  Worker* PickWorker() PYFN_REQUIRES(mu_);
  // Records the invocation as pending on `w` (the caller then sends its
  // bytes; its http_summary is moved out).
  void RecordInvocation(Worker* w, const std::string& function_name,
                        OutgoingInvocation* invocation,
                        std::function<void(Status, rpc::InvocationResponse)> done)
      PYFN_REQUIRES(mu_);
  void SendInvocation(Worker* w, const std::string& function_name, OutgoingInvocation invocation,
                      std::function<void(Status, rpc::InvocationResponse)> done) PYFN_REQUIRES(mu_);
  void DrainWaiting() PYFN_REQUIRES(mu_);
  void CheckDeadlines(Deferred* later) PYFN_REQUIRES(mu_);
  // A retiring worker: WorkerTerminate once idle, SIGKILL after the grace.
  void RetireStep(Worker* w, Clock::time_point now, Deferred* later) PYFN_REQUIRES(mu_);
  void Send(Worker* w, const rpc::StreamingMessage& msg) PYFN_REQUIRES(mu_);

  // Supervisor thread body; reaps without mu_ held.
  void SupervisorLoop();
  void OnChildExit(pid_t pid, int wait_status, Deferred* later) PYFN_REQUIRES(mu_);

  const WorkerPoolOptions options_;
  FunctionRegistry* const registry_;
  const Callbacks callbacks_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<grpc::Server> server_;
  int grpc_port_ = 0;
  std::atomic<bool> proxies_http_{false};
  std::vector<std::string> env_ PYFN_GUARDED_BY(mu_);  // the workers' environment ("K=V")

  mutable pyfn::Mutex mu_;
  pyfn::CondVar cv_;                     // wakes the supervisor
  std::vector<std::unique_ptr<Worker>> workers_ PYFN_GUARDED_BY(mu_);
  std::map<std::string, Pending> pending_ PYFN_GUARDED_BY(mu_);  // by invocation id
  std::deque<Waiting> waiting_ PYFN_GUARDED_BY(mu_);
  bool indexed_ PYFN_GUARDED_BY(mu_) = false;
  std::string indexing_error_ PYFN_GUARDED_BY(mu_);
  bool all_ready_announced_ PYFN_GUARDED_BY(mu_) = false;
  bool stopping_ PYFN_GUARDED_BY(mu_) = false;
  bool quit_ PYFN_GUARDED_BY(mu_) = false;
  bool wake_ PYFN_GUARDED_BY(mu_) = false;
  bool spawn_failing_ PYFN_GUARDED_BY(mu_) = false;
  bool shut_down_ PYFN_GUARDED_BY(mu_) = false;
  size_t rr_ PYFN_GUARDED_BY(mu_) = 0;
  long long retired_restarts_ PYFN_GUARDED_BY(mu_) = 0;  // restarts of workers Restart() removed
  // Error reports about what killed a worker or what it sent that the host
  // could not read: at most one a minute each, the rest counted.
  Clock::time_point death_report_at_ PYFN_GUARDED_BY(mu_) {};
  int death_reports_suppressed_ PYFN_GUARDED_BY(mu_) = 0;
  Clock::time_point unreadable_report_at_ PYFN_GUARDED_BY(mu_) {};
  int unreadable_reports_suppressed_ PYFN_GUARDED_BY(mu_) = 0;
  std::thread supervisor_;
};

// Maps RpcLog levels to spdlog's and logs the line per internals.md.
// Exposed for tests.
std::string FormatRpcLog(const rpc::RpcLog& log, const std::string& function_name,
                         const std::string& worker_id);

}  // namespace pyfn

#endif  // PYFN_HOST_WORKER_POOL_H_
