#include "host/host.h"

#include <boost/asio/executor_work_guard.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "host/app/app_index.h"
#include "host/app/load_failures.h"
#include "host/common/strings.h"
#include "host/host_streaming.h"
#include "host/http/home_page.h"
#include "host/keys/blob_secrets_store.h"
#include "host/telemetry/http_tracing.h"
#include "host/telemetry/telemetry.h"
#include "host/telemetry/tracing_transport.h"
#include "host/triggers/blob_binding.h"
#include "host/triggers/eventgrid_binding.h"
#include "host/triggers/queue_binding.h"
#include "host/triggers/table_binding.h"

namespace pyfn {
namespace {

constexpr auto kWorkerTerminateGrace = std::chrono::seconds(5);
// At shutdown, queued spans are sent for at most this long.
constexpr auto kTraceFlushGrace = std::chrono::seconds(3);

std::string HostName() {
  char buf[256] = {0};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  return AsciiLower(buf);
}

// The files or memory store the settings ask for (prod_settings.h). Never
// fails: what cannot be persisted is kept in memory, with a warning saying how
// to fix it. (Blob storage: OpenBlobSecretsStore, which may fail.)
// *read_only: why the keys there cannot be changed ("" when they can).
std::unique_ptr<SecretsStore> OpenSecretsStore(const ProdSettings& p, const std::string& root,
                                               const Environment& env, std::string* read_only) {
  const char* kHow =
      "function keys are kept in memory and change at every start (set "
      "AzureWebJobsSecretStoragePath to a writable directory, or PYFN_MASTER_KEY and "
      "PYFN_FUNCTION_KEY)";
  if (p.secret_storage_type == "memory") return std::make_unique<MemorySecretsStore>();
  std::string dir = p.secrets_path;
  auto home = env.find("HOME");
  if (dir.empty() && home != env.end() && !home->second.empty() &&
      root == home->second + "/site/wwwroot")
    dir = home->second + "/data/Functions/secrets";
  if (dir.empty()) {
    spdlog::warn("No secrets directory: {}", kHow);
    return std::make_unique<MemorySecretsStore>();
  }
  auto files = std::make_unique<FileSecretsStore>(dir, HostName());
  Status s = files->CheckWritable();
  if (!s.ok()) {
    // A read-only directory may still hold provisioned keys (a mounted secret).
    HostSecrets hs;
    if (files->ReadHost(&hs).ok()) {
      spdlog::warn("{}; the keys there are used, the key admin API cannot change them",
                   s.message());
      *read_only = "the function keys are read from the read-only secrets directory " + dir +
                   " (e.g. a mounted Kubernetes Secret); change them there and restart the host";
      return files;
    }
    spdlog::warn("{}: {}", s.message(), kHow);
    return std::make_unique<MemorySecretsStore>();
  }
  return files;
}

// Blob storage holds the keys every host of the app shares: without it the
// host does not start (no silent fallback to other keys).
Status OpenSharedKeys(const ProdSettings& p, StorageRuntime* storage,
                      std::unique_ptr<KeyManager>* out) {
  std::unique_ptr<SecretsStore> store;
  Status s = OpenBlobSecretsStore(storage, HostName(), &store);
  if (!s.ok()) return Status::InvalidArgument("Function keys: " + s.message());
  std::string where = store->Describe();
  auto km = std::make_unique<KeyManager>(std::move(store), p.master_key, p.function_key);
  s = km->Initialize();
  if (!s.ok())
    return Status::Unavailable("Function keys in " + where + ": " + s.message() +
                               "; the host does not start without them "
                               "(AzureWebJobsSecretStorageType=blob)");
  *out = std::move(km);
  return Status::OK();
}

}  // namespace

Host::Host(Settings settings, HostConfig config, WorkerConfig worker_config, Environment env)
    : settings_(std::move(settings)),
      config_(std::move(config)),
      worker_config_(std::move(worker_config)),
      env_(std::move(env)),
      registry_(config_.route_prefix, config_.functions) {
  streams_ = std::make_unique<PendingStreams>();
}

Host::~Host() {
  if (watcher_) watcher_->Stop();
  {
    pyfn::MutexLock l(triggers_mu_);
    if (triggers_) triggers_->Stop();
  }
  if (pool_) pool_->Shutdown(std::chrono::milliseconds(0));
  if (storage_) storage_->Stop();  // runs pending storage tasks while the invoker lives
  if (metrics_http_) metrics_http_->StopAccepting();
  ioc_.stop();
  for (auto& t : io_threads_)
    if (t.joinable()) t.join();
}

void Host::LoadFunctionFolders() {
  if (config_.functions) {
    std::string names;
    for (const auto& n : *config_.functions) names += (names.empty() ? "" : ", ") + n;
    // Azure's FunctionMetadataManager says the same (at information level).
    spdlog::info("A function allow list has been specified, excluding all but the following "
                 "functions: [{}]",
                 names);
  }
  PublishFunctions(&registry_, LoadFunctions(settings_.script_root, env_));
}

WorkerPoolOptions Host::PoolOptions() const {
  WorkerPoolOptions po;
  po.count = settings_.worker_count;
  po.config = worker_config_;
  po.script_root = settings_.script_root;
  po.host_version = PYFN_VERSION;
  po.function_timeout = config_.function_timeout;
  po.worker_wait = settings_.worker_wait;
  po.environment = WorkerEnvironment(env_, worker_config_, settings_.script_root);
  return po;
}

Status Host::Start() {
  spdlog::info("pyfn-host {} starting; script root {}", PYFN_VERSION, settings_.script_root);
  LoadFunctionFolders();

  const ProdSettings& prod = settings_.prod;
  telemetry::Telemetry telemetry = telemetry::StartTelemetry(
      env_, config_.raw, HostName(), PYFN_VERSION, [this] { return CollectMetrics(); });
  tracer_ = std::move(telemetry.tracer);
  metric_exporter_ = std::move(telemetry.metrics);
  StorageRuntime::NetworkWrapper traced;
  if (tracer_)
    traced = [t = tracer_.get()](storage::HttpTransport* inner) {
      return std::make_unique<telemetry::TracingTransport>(inner, t);
    };
  // Storage first: blob secrets use its clients and transport.
  storage_ = std::make_unique<StorageRuntime>(env_, config_.raw, settings_.script_root, nullptr,
                                              std::move(traced));
  std::string read_only;  // why the key admin API cannot change the keys
  if (prod.secret_storage_type == "blob") {
    std::unique_ptr<KeyManager> km;
    Status ks = OpenSharedKeys(prod, storage_.get(), &km);
    if (!ks.ok()) return ks;
    keys_ = std::move(km);
  } else {
    auto km = std::make_unique<KeyManager>(
        OpenSecretsStore(prod, settings_.script_root, env_, &read_only), prod.master_key,
        prod.function_key);
    Status ks = km->Initialize();
    if (!ks.ok()) {
      spdlog::error("Function keys: {}; keeping them in memory", ks.message());
      km = std::make_unique<KeyManager>(std::make_unique<MemorySecretsStore>(), prod.master_key,
                                        prod.function_key);
      ks = km->Initialize();
      if (!ks.ok()) return ks;
    }
    keys_ = std::move(km);
  }
  auth_ = keys_.get();
  if (!read_only.empty()) {
    keys_->set_read_only(read_only);
    spdlog::info("The key admin API cannot change the keys: {}", read_only);
  }
  cors_ = std::make_unique<CorsPolicy>(prod.cors_origins, prod.cors_credentials);
  if (cors_->enabled())
    spdlog::info("CORS: {} allowed origin(s), credentials {}", prod.cors_origins.size(),
                 prod.cors_credentials ? "supported" : "not supported");
  limiter_ = std::make_unique<RequestLimiter>(prod.max_concurrent_requests,
                                              prod.max_outstanding_requests);
  if (prod.dynamic_throttles)
    spdlog::warn("host.json extensions.http.dynamicThrottlesEnabled has no effect in pyfn; "
                 "use maxConcurrentRequests and maxOutstandingRequests");

  WorkerPoolOptions po = PoolOptions();
  WorkerPool::Callbacks cb;
  cb.on_indexed = [this] { OnIndexed(); };
  cb.on_all_ready = [this] { OnAllReady(); };
  cb.on_http_invocation_sent = [this](const std::string& id, const std::string& uri) {
    OnHttpInvocationSent(id, uri);
  };
  pool_ = std::make_unique<WorkerPool>(po, &registry_, cb);
  invoker_ = std::make_unique<FunctionInvoker>(&registry_, pool_.get());
  invoker_->SetTracer(tracer_.get());
  invoker_->SetObserver([this](const std::string& function, const std::string& trigger,
                               const InvocationOutcome& out, double seconds) {
    metrics_.RecordInvocation(function, TriggerLabel(trigger), OutcomeLabel(out), seconds);
  });
  invoker_->AddBindingExtension(std::make_shared<BlobBinding>(storage_.get()));
  invoker_->AddBindingExtension(std::make_shared<QueueBinding>(storage_.get()));
  invoker_->AddBindingExtension(std::make_shared<TableBinding>(storage_.get()));
  invoker_->AddBindingExtension(
      std::make_shared<EventGridBinding>(storage_.get(), storage_->transport()));
  eventgrid_ = std::make_unique<EventGridWebhook>(&registry_, invoker_.get(), auth_);
  admin_ = std::make_unique<AdminRoutes>(this, auth_, keys_.get());
  FunctionRoutes::Parts fp;
  fp.registry = &registry_;
  fp.auth = auth_;
  fp.limiter = limiter_.get();
  fp.invoker = invoker_.get();
  fp.home_page = [this] { return HomePage(); };
  functions_ = std::make_unique<FunctionRoutes>(std::move(fp));
  {
    pyfn::MutexLock l(triggers_mu_);
    triggers_ = std::make_unique<StorageTriggers>(storage_.get(), invoker_.get(), &metrics_);
  }

  HttpServerOptions ho;
  ho.port = settings_.port;
  ho.body_limit = settings_.body_limit;
  ho.header_limit = prod.max_header_bytes;
  ho.header_count_limit = prod.max_header_count;
  ho.headers_timeout = prod.headers_timeout;
  ho.body_timeout = prod.body_timeout;
  ho.keepalive_timeout = prod.keepalive_timeout;
  ho.on_response = [this](int status) { metrics_.RecordHttpStatus(status); };
  http_ = std::make_unique<HttpServer>(ioc_, this, ho);
  Status s = http_->Listen();
  if (!s.ok()) return s;
  if (prod.metrics_port > 0) {
    metrics_handler_ = std::make_unique<MetricsEndpoint>(this);
    HttpServerOptions mo;
    mo.port = prod.metrics_port;
    mo.body_limit = 64 * 1024;
    metrics_http_ = std::make_unique<HttpServer>(ioc_, metrics_handler_.get(), mo);
    s = metrics_http_->Listen();
    if (!s.ok()) return Status::IOError("PYFN_METRICS_PORT: " + s.message());
    spdlog::info("Metrics on http://0.0.0.0:{}/metrics", metrics_http_->port());
  }
  // Threads for the io_context: min(4, max(2, cores)). Handlers never block
  // (invocations are asynchronous), so a few threads suffice.
  unsigned n = std::min(4u, std::max(2u, std::thread::hardware_concurrency()));
  for (unsigned i = 0; i < n; ++i)
    io_threads_.emplace_back([this] {
      auto guard = boost::asio::make_work_guard(ioc_);
      ioc_.run();
    });
  spdlog::info("Now listening on: http://0.0.0.0:{}", http_->port());
  s = pool_->Start();
  if (!s.ok()) return s;
  spdlog::info("Starting {} worker process(es) from {}", settings_.worker_count,
               worker_config_.config_path);
  StartFileWatching();
  if (metric_exporter_) metric_exporter_->Start();  // CollectMetrics reads what is made above
  return Status::OK();
}

void Host::StartFileWatching() {
  const nlohmann::json& raw = config_.raw;
  auto enabled = raw.find("fileWatchingEnabled");
  std::string off;
  if (enabled != raw.end() && enabled->is_boolean() && !enabled->get<bool>())
    off = "host.json fileWatchingEnabled is false";
  else if (auto it = env_.find("WEBSITE_RUN_FROM_PACKAGE");
           it != env_.end() && !it->second.empty() && it->second != "0")
    off = "WEBSITE_RUN_FROM_PACKAGE is set";
  else if (::access(settings_.script_root.c_str(), W_OK) != 0)
    off = "the script root is read-only";
  if (!off.empty()) {
    spdlog::debug("File watching is off: {}", off);
    return;
  }
  FileWatchOptions o;
  o.root = settings_.script_root;
  auto strings = [&](const char* key, std::vector<std::string>* out) {
    auto it = raw.find(key);
    if (it == raw.end() || !it->is_array()) return;
    for (const auto& x : *it)
      if (x.is_string()) out->push_back(x.get<std::string>());
  };
  strings("watchDirectories", &o.watch_directories);
  strings("watchFiles", &o.watch_files);
  watcher_ = std::make_unique<FileWatcher>(
      o, [this](const std::vector<FileChange>& changes) { OnFilesChanged(changes); });
  Status s = watcher_->Start();
  if (!s.ok()) {
    spdlog::warn("File watching is off: {}", s.message());
    watcher_.reset();
    return;
  }
  watching_.store(true);
  spdlog::info("Watching {} for changes (host.json fileWatchingEnabled: false turns it off)",
               settings_.script_root);
}

void Host::OnFilesChanged(const std::vector<FileChange>& changes) {
  if (state_.load() == State::kStopping) return;
  bool host_json = false, local_settings = false;
  size_t shown = 0;
  for (const auto& c : changes) {
    std::string name = AsciiLower(c.path.substr(c.path.rfind('/') + 1));
    host_json = host_json || (name == "host.json" && c.path == settings_.script_root + "/host.json");
    local_settings = local_settings ||
                     (name == "local.settings.json" &&
                      c.path == settings_.script_root + "/local.settings.json");
    if (shown++ < 5) spdlog::info("File change of type '{}' detected for '{}'", c.kind, c.path);
  }
  if (changes.size() > 5) spdlog::info("... and {} more change(s)", changes.size() - 5);
  if (host_json)
    spdlog::warn("host.json changed: the functions are reloaded now; the host's own settings "
                 "(routePrefix, extensions, logging, functionTimeout, ...) take effect when "
                 "pyfn-host restarts");
  // The workers get local.settings.json's Values as they are now (the real
  // environment still wins); the host's own settings were read at start.
  Environment env = env_;
  for (const auto& kv : settings_.local_values) env.erase(kv.first);
  LocalSettings local;
  Status ls = LoadLocalSettings(settings_.script_root, &local);
  if (ls.ok()) {
    for (const auto& kv : MergeEnvironment(env, local.values)) env[kv.first] = kv.second;
  } else {
    spdlog::error("{}; the workers keep the Values read at start", ls.message());
    env = env_;
  }
  if (local_settings)
    spdlog::warn("local.settings.json changed: the workers get its Values now; settings the host "
                 "itself reads (ports, keys, storage connections, ...) take effect when pyfn-host "
                 "restarts");
  {
    pyfn::MutexLock l(triggers_mu_);
    if (triggers_) {
      triggers_->Stop();
      old_triggers_.push_back(std::move(triggers_));
    }
    triggers_ = std::make_unique<StorageTriggers>(storage_.get(), invoker_.get(), &metrics_);
    triggers_start_pending_ = true;
  }
  // function.json apps: read the folders again. Decorator apps: the first new
  // worker's index replaces the functions (WorkerPool::OnMetadataResponse).
  bool worker_indexed = false;
  for (const auto& f : registry_.Get()->functions) worker_indexed = worker_indexed || f.worker_indexed;
  if (!worker_indexed) LoadFunctionFolders();
  pool_->Restart("the app's files changed",
                 WorkerEnvironment(env, worker_config_, settings_.script_root));
}

void Host::StartTriggers() {
  pyfn::MutexLock l(triggers_mu_);
  if (!triggers_start_pending_ || !triggers_) return;
  triggers_start_pending_ = false;
  triggers_->Start(*registry_.Get());
}

Status Host::Index(std::chrono::milliseconds timeout, nlohmann::ordered_json* index) {
  index_mode_ = true;
  spdlog::info("pyfn-host {} indexing {}", PYFN_VERSION, settings_.script_root);
  LoadFunctionFolders();
  storage_ = std::make_unique<StorageRuntime>(env_, config_.raw, settings_.script_root);
  WorkerPoolOptions po = PoolOptions();
  po.count = 1;  // one worker indexes and loads like every other would
  WorkerPool::Callbacks cb;
  cb.on_indexed = [this] { OnIndexed(); };
  cb.on_all_ready = [this] { OnAllReady(); };
  pool_ = std::make_unique<WorkerPool>(po, &registry_, cb);
  Status s = pool_->Start();
  if (!s.ok()) return s;
  bool ready;
  {
    pyfn::MutexLock l(mu_);
    ready = cv_.wait_for(l, timeout, [&]() PYFN_REQUIRES(mu_) {
      return index_ready_ || shutdown_requested_;
    }) && index_ready_;
  }
  std::string indexing_error = pool_->indexing_error();
  bool spawn_failing = pool_->spawn_failing();
  pool_->Shutdown(kWorkerTerminateGrace);
  if (!ready) {
    {
      pyfn::MutexLock l(mu_);
      if (shutdown_requested_) return Status::Aborted("interrupted (" + shutdown_reason_ + ")");
    }
    return Status::TimedOut(
        "the worker did not index and load the functions within " +
        std::to_string(timeout.count() / 1000) + "s" +
        (spawn_failing ? " (the language worker cannot be started, see the log above)"
                       : " (see the log above; --index-timeout sets the limit)"));
  }
  if (!indexing_error.empty())
    return Status::InvalidArgument("worker indexing of " + settings_.script_root +
                                   " failed: " + indexing_error);
  *index = BuildAppIndex(settings_.script_root, config_, *registry_.Get());
  return Status::OK();
}

void Host::OnIndexed() {
  // Storage bindings whose connection or path cannot work fail to load (L8).
  // Indexing checks what holds whatever the settings are (paths, schedules):
  // the settings where the app will run are not those of the indexing machine.
  auto before = registry_.Get();  // SetLoadFailure publishes a new snapshot
  for (const auto& f : before->functions) {
    if (!f.load_status.ok()) continue;
    Status vs = storage_->ValidateFunction(f, /*check_settings=*/!index_mode_);
    const storage::SettingLookup settings = storage_->setting_lookup();
    if (vs.ok()) vs = ValidateEventGridBindings(f, index_mode_ ? nullptr : &settings);
    if (!vs.ok()) RecordLoadFailure(&registry_, f.name, vs);
  }
  auto set = registry_.Get();
  if (config_.functions)
    for (const auto& name : UnmatchedSelection(*config_.functions, set->functions))
      spdlog::warn("host.json \"functions\" names '{}', but the app has no such function", name);
  std::vector<const FunctionSpec*> shown;
  for (const auto& f : set->functions)
    if (!f.disabled) shown.push_back(&f);
  int port = http_ ? http_->port() : settings_.port;
  if (shown.empty()) {
    spdlog::warn("No job functions found in {}", settings_.script_root);
  } else {
    spdlog::info("Functions:");
    for (const FunctionSpec* f : shown)
      spdlog::info("  {}: {}", f->name, f->Describe(port, set->route_prefix));
  }
  if (index_mode_) return;
  if (keys_) keys_->SyncFunctions(set->functions, registry_.excluded());
  if (eventgrid_) eventgrid_->OnFunctionsIndexed(*set, keys_.get(), port);
  std::string notice = auth_->StartupNotice(set->functions);
  if (!notice.empty()) spdlog::info("{}", notice);
}

void Host::OnAllReady() {
  if (index_mode_) {
    pyfn::MutexLock l(mu_);
    index_ready_ = true;
    cv_.notify_all();
    return;
  }
  State expected = State::kInitializing;
  if (state_.compare_exchange_strong(expected, State::kRunning)) {
    StartTriggers();
    spdlog::info("Host started (Running); Ctrl+C or SIGTERM stops it after the in-flight "
                 "invocations");
  } else if (expected == State::kRunning) {
    StartTriggers();
    spdlog::info("The language workers restarted with the changed files");
  }
}

HostStatus Host::CurrentStatus() const {
  HostStatus st;
  switch (state_.load()) {
    case State::kInitializing:
      st.state = HostStatus::State::kInitializing;
      if (pool_ && pool_->spawn_failing()) {
        st.state = HostStatus::State::kError;
        st.errors.emplace_back("The language worker cannot be started (see the host log)");
      }
      break;
    case State::kRunning: st.state = HostStatus::State::kRunning; break;
    case State::kStopping: st.state = HostStatus::State::kStopping; break;
  }
  st.id = HostName();
  st.uptime = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started_);
  return st;
}

bool Host::Ready() const {
  return state_.load() == State::kRunning && pool_ && pool_->ready_workers() > 0;
}

std::vector<MetricFamily> Host::CollectMetrics() const {
  Metrics::Gauges g;
  g.in_flight = invoker_ ? invoker_->in_flight() : 0;
  g.queued = limiter_ ? limiter_->queued() : 0;
  g.throttled = limiter_ ? limiter_->rejected() : 0;
  g.workers_ready = pool_ ? pool_->ready_workers() : 0;
  g.worker_restarts = pool_ ? pool_->restarts_total() : 0;
  g.ready = Ready();
  g.uptime_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  std::vector<MetricFamily> families = metrics_.Collect(g);
  auto append = [&families](std::vector<MetricFamily> more) {
    for (auto& f : more) families.push_back(std::move(f));
  };
  if (tracer_) append(tracer_->MetricFamilies());
  if (metric_exporter_) append(metric_exporter_->MetricFamilies());
  return families;
}

std::string Host::MetricsText() const { return RenderPrometheus(CollectMetrics()); }

void Host::Handle(HttpRequest request, std::function<void(HttpResponse)> respond) {
  if (tracer_) telemetry::TraceHttpRequest(tracer_.get(), &request, &respond);
  if (cors_ && cors_->enabled()) {
    // Preflight is answered before routing and keys; every other answer gets
    // the CORS headers for the request's Origin.
    HttpResponse pre;
    if (cors_->HandlePreflight(request, &pre)) return respond(std::move(pre));
    respond = [decorate = cors_->DecoratorFor(request),
               respond = std::move(respond)](HttpResponse r) {
      decorate(&r);
      respond(std::move(r));
    };
  }
  std::string lpath = AsciiLower(request.path);
  while (lpath.size() > 1 && lpath.back() == '/') lpath.pop_back();
  if (IsAdminPath(lpath)) return admin_->Handle(lpath, request, respond);
  if (state_.load() == State::kStopping) return respond(EmptyResponse(503));
  if (eventgrid_ && IsEventGridWebhookPath(lpath))
    return eventgrid_->Handle(request, std::move(respond));
  functions_->Handle(std::move(request), respond);
}

HttpResponse Host::HomePage() const {
  auto off = env_.find("AzureWebJobsDisableHomepage");
  bool disabled = off != env_.end() && AsciiLower(off->second) == "true";
  auto set = registry_.Get();
  return pyfn::HomePage(disabled, watching_.load() ? set.get() : nullptr,
                        http_ ? http_->port() : settings_.port);
}

void Host::RequestShutdown(const std::string& why) {
  pyfn::MutexLock l(mu_);
  if (shutdown_requested_) return;
  shutdown_requested_ = true;
  shutdown_reason_ = why;
  cv_.notify_all();
}

void Host::KillWorkersNow() {
  if (pool_) pool_->KillAll();
}

void Host::OnChildSignal() {
  if (pool_) pool_->Wake();
}

int Host::Run() {
  std::string reason;
  {
    pyfn::MutexLock l(mu_);
    cv_.wait(l, [&]() PYFN_REQUIRES(mu_) { return shutdown_requested_; });
    reason = shutdown_reason_;
  }
  using Clock = std::chrono::steady_clock;
  auto deadline = Clock::now() + settings_.shutdown_grace;
  state_.store(State::kStopping);
  int busy = invoker_->in_flight();
  spdlog::info("Stopping the host ({}); waiting up to {}s for {} in-flight invocation(s)",
               reason, settings_.shutdown_grace.count(), busy);
  if (watcher_) watcher_->Stop();  // no restart while draining
  {
    pyfn::MutexLock l(triggers_mu_);
    triggers_->Stop();  // no new trigger invocations while draining
  }
  http_->StopAccepting();
  while (Clock::now() < deadline && (invoker_->in_flight() > 0 || http_->active_requests() > 0))
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  if (invoker_->in_flight() > 0)
    spdlog::warn("Grace period over with {} invocation(s) still running; they are cancelled",
                 invoker_->in_flight());
  pool_->Shutdown(kWorkerTerminateGrace);
  if (tracer_) tracer_->exporter()->Shutdown(kTraceFlushGrace);
  if (metric_exporter_) metric_exporter_->Shutdown(/*final_export=*/true);
  // Let the answers to cancelled invocations reach their clients.
  auto flush_until = Clock::now() + std::chrono::seconds(1);
  while (Clock::now() < flush_until && http_->active_requests() > 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ioc_.stop();
  for (auto& t : io_threads_)
    if (t.joinable()) t.join();
  spdlog::info("Host stopped");
  return 0;
}

}  // namespace pyfn
