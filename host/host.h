// Host: the composition root. Builds the parts, wires them together, owns
// their lifetimes and runs the app's life (start, file watching, triggers,
// drain). The requests themselves are answered by the parts:
//
//   HttpServer ──Handle──▶ Host::Handle (tracing, CORS; picks the route)
//        ├──▶ AdminRoutes (host/http/admin_routes.h: status, health, metrics, keys)
//        ├──▶ EventGridWebhook (host/triggers/eventgrid_trigger.h)
//        └──▶ FunctionRoutes (host/http/function_routes.h: route, auth, limits)
//                 ──Invoke──▶ FunctionInvoker ──Dispatch──▶ WorkerPool ──gRPC──▶ pyfn-worker
//
// Lifecycle: Start() loads the app, listens, starts the workers; Run() blocks
// until RequestShutdown() (first SIGTERM/SIGINT), then drains: stop accepting,
// wait up to the grace period for in-flight invocations, WorkerTerminate,
// reap, stop. State for /admin/host/status: Initializing -> Running (every
// worker loaded the functions) -> Stopping; Error while workers cannot start.
// With file watching (file_watcher.h; on unless host.json fileWatchingEnabled
// is false, the script root is not writable or WEBSITE_RUN_FROM_PACKAGE is
// set) a change to the app's files restarts the workers and re-reads the
// functions while the host keeps serving (OnFilesChanged).
#ifndef PYFN_HOST_HOST_H_
#define PYFN_HOST_HOST_H_

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "host/app/app_loader.h"
#include "host/app/file_watcher.h"
#include "host/app/function_registry.h"
#include "host/app/settings.h"
#include "host/common/thread_annotations.h"
#include "host/http/admin_routes.h"
#include "host/http/cors.h"
#include "host/http/function_routes.h"
#include "host/http/http_server.h"
#include "host/http/request_limiter.h"
#include "host/keys/auth.h"
#include "host/keys/keys.h"
#include "host/metrics.h"
#include "host/telemetry/metric_exporter.h"
#include "host/telemetry/tracer.h"
#include "host/triggers/eventgrid_trigger.h"
#include "host/triggers/storage_runtime.h"
#include "host/triggers/storage_triggers.h"
#include "host/workers/invoker.h"
#include "host/workers/worker_pool.h"

namespace pyfn {

class Host : public HttpHandler, public HostProbe {
 public:
  Host(Settings settings, HostConfig config, WorkerConfig worker_config, Environment env);
  ~Host() override;

  Status Start();
  // `pyfn-host --index`: loads the app and starts one worker exactly as Start
  // does (worker indexing, FunctionLoadRequests) but opens no HTTP port, runs
  // no trigger and touches no key; waits up to `timeout` for the worker to
  // load the functions, then fills `index` (app_index.h) and stops the worker.
  Status Index(std::chrono::milliseconds timeout, nlohmann::ordered_json* index);
  // Blocks until shutdown is requested and done. Returns the exit code.
  int Run();
  // First signal. Thread safe.
  void RequestShutdown(const std::string& why);
  // Second signal: kill the workers now (the caller exits).
  void KillWorkersNow();
  // SIGCHLD.
  void OnChildSignal();

  void Handle(HttpRequest request, std::function<void(HttpResponse)> respond) override;
  // Streaming HTTP (host_streaming.cc): requests to HTTP functions of an app
  // whose workers advertised `HttpUri` are forwarded raw to the worker.
  bool WantsStream(const HttpRequest& head) override;
  void HandleStream(HttpRequest head, std::shared_ptr<HttpStream> stream) override;

  // HostProbe: what /admin/host/status, /admin/host/ping and the health
  // probes tell; MetricsText is the Prometheus text for /admin/metrics and
  // PYFN_METRICS_PORT.
  HostStatus CurrentStatus() const override;
  bool Ready() const override;
  std::string MetricsText() const override;
  // Every metric (metrics_, the span and metrics exporters' counters): what
  // /admin/metrics and PYFN_METRICS_PORT show and the OTLP export sends.
  std::vector<MetricFamily> CollectMetrics() const;

 private:
  enum class State { kInitializing, kRunning, kStopping };
  // The function.json folders, through the registry (selection), failures
  // logged (PublishFunctions).
  void LoadFunctionFolders();
  WorkerPoolOptions PoolOptions() const;
  void OnIndexed();
  void OnAllReady();
  // Starts the FileWatcher when file watching applies (see above).
  void StartFileWatching();
  // The app's files changed: restart the workers with the new files (and
  // local.settings.json Values), stop the storage triggers until they are
  // ready again. Runs on the watcher's thread.
  void OnFilesChanged(const std::vector<FileChange>& changes);
  // Starts the storage triggers if a start is pending (after Start or a restart).
  void StartTriggers();
  // GET / with no function there (home_page.h); lists the HTTP functions
  // while file watching is on.
  HttpResponse HomePage() const;
  // Streaming HTTP (host_streaming.cc): the pool sent an HTTP invocation to a
  // worker (`http_uri` its HttpUri, or ""); starts forwarding its request.
  void OnHttpInvocationSent(const std::string& invocation_id, const std::string& http_uri);
  struct PendingStreams;

  const Settings settings_;
  const HostConfig config_;
  const WorkerConfig worker_config_;
  const Environment env_;
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();

  FunctionRegistry registry_;
  // OpenTelemetry tracing (host/telemetry), null when off. Declared before
  // everything that records spans so that it outlives them.
  std::unique_ptr<telemetry::Tracer> tracer_;
  // Storage bindings and triggers (spec B5-B7). Declared before pool_ and
  // invoker_ so it outlives the invocations they complete during shutdown.
  std::unique_ptr<StorageRuntime> storage_;
  std::unique_ptr<KeyManager> keys_;  // the Authorizer; null in Index()
  Authorizer* auth_ = nullptr;        // keys_
  std::unique_ptr<CorsPolicy> cors_;
  std::unique_ptr<RequestLimiter> limiter_;
  Metrics metrics_;
  std::unique_ptr<HttpHandler> metrics_handler_;
  std::unique_ptr<HttpServer> metrics_http_;  // PYFN_METRICS_PORT
  std::unique_ptr<WorkerPool> pool_;
  std::unique_ptr<FunctionInvoker> invoker_;
  pyfn::Mutex triggers_mu_;
  // Started when every worker is ready; replaced by a new one when the workers restart.
  std::unique_ptr<StorageTriggers> triggers_ PYFN_GUARDED_BY(triggers_mu_);
  std::vector<std::unique_ptr<StorageTriggers>> old_triggers_  // stopped
      PYFN_GUARDED_BY(triggers_mu_);
  bool triggers_start_pending_ PYFN_GUARDED_BY(triggers_mu_) = true;
  std::unique_ptr<FileWatcher> watcher_;  // null: file watching is off
  std::atomic<bool> watching_{false};      // watcher_ started (read by HomePage)
  std::unique_ptr<AdminRoutes> admin_;     // /admin/...
  std::unique_ptr<FunctionRoutes> functions_;
  std::unique_ptr<EventGridWebhook> eventgrid_;  // /runtime/webhooks/eventgrid
  boost::asio::io_context ioc_;
  std::unique_ptr<HttpServer> http_;
  std::vector<std::thread> io_threads_;
  std::atomic<State> state_{State::kInitializing};
  bool index_mode_ = false;  // Index(): no HTTP, keys or triggers


  pyfn::Mutex mu_;
  pyfn::CondVar cv_;
  bool shutdown_requested_ PYFN_GUARDED_BY(mu_) = false;
  bool index_ready_ PYFN_GUARDED_BY(mu_) = false;  // Index(): the worker loaded the functions
  std::string shutdown_reason_ PYFN_GUARDED_BY(mu_);
  std::unique_ptr<PendingStreams> streams_;  // streaming HTTP (host_streaming.h)
  // The OTLP metrics export (host/telemetry), null when off. Declared last:
  // its thread reads the members above (CollectMetrics) until it stops.
  std::unique_ptr<telemetry::MetricExporter> metric_exporter_;
};

}  // namespace pyfn

#endif  // PYFN_HOST_HOST_H_
