#include "host.h"

#include <boost/asio/executor_work_guard.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

#include "trace_context.h"

namespace pyfn {
namespace {

constexpr const char* kHttpReason = "This function was programmatically called via the host APIs.";
constexpr auto kWorkerTerminateGrace = std::chrono::seconds(5);

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string HeaderValue(const HttpRequest& r, const char* name) {
  for (const auto& h : r.headers)
    if (Lower(h.first) == name) return h.second;
  return "";
}

HttpResponse JsonResponse(int status, const nlohmann::json& j) {
  HttpResponse r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json; charset=utf-8");
  r.body = j.dump();
  return r;
}

std::string HostName() {
  char buf[256] = {0};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  return Lower(buf);
}

}  // namespace

Host::Host(Settings settings, HostConfig config, WorkerConfig worker_config, Environment env)
    : settings_(std::move(settings)),
      config_(std::move(config)),
      worker_config_(std::move(worker_config)),
      env_(std::move(env)),
      registry_(config_.route_prefix),
      auth_(new AllowAllAuthorizer()) {}

Host::~Host() {
  if (pool_) pool_->Shutdown(std::chrono::milliseconds(0));
  ioc_.stop();
  for (auto& t : io_threads_)
    if (t.joinable()) t.join();
}

Status Host::Start() {
  spdlog::info("pyfn-host {} starting; script root {}", PYFN_VERSION, settings_.script_root);
  std::vector<FunctionSpec> functions = LoadFunctions(settings_.script_root, env_);
  for (const auto& f : functions)
    if (!f.load_status.ok())
      spdlog::error("Function '{}' failed to load: {}", f.name, f.load_status.message());
  for (const auto& name : registry_.Replace(std::move(functions))) {
    const FunctionSpec* f = registry_.Get()->Find(name);
    spdlog::error("Function '{}' failed to load: {}", name, f ? f->load_status.message() : "");
  }
  for (const auto& f : registry_.Get()->functions)
    if (f.disabled) spdlog::info("Function '{}' is disabled", f.name);

  WorkerPoolOptions po;
  po.count = settings_.worker_count;
  po.config = worker_config_;
  po.script_root = settings_.script_root;
  po.host_version = PYFN_VERSION;
  po.function_timeout = config_.function_timeout;
  po.worker_wait = settings_.worker_wait;
  WorkerPool::Callbacks cb;
  cb.on_indexed = [this] { OnIndexed(); };
  cb.on_all_ready = [this] { OnAllReady(); };
  pool_.reset(new WorkerPool(po, &registry_, cb));
  invoker_.reset(new FunctionInvoker(&registry_, pool_.get()));

  HttpServerOptions ho;
  ho.port = settings_.port;
  ho.body_limit = settings_.body_limit;
  http_.reset(new HttpServer(ioc_, this, ho));
  Status s = http_->Listen();
  if (!s.ok()) return s;
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
  return Status::OK();
}

void Host::OnIndexed() {
  auto set = registry_.Get();
  std::vector<const FunctionSpec*> shown;
  for (const auto& f : set->functions)
    if (!f.disabled) shown.push_back(&f);
  if (shown.empty()) {
    spdlog::warn("No job functions found in {}", settings_.script_root);
  } else {
    spdlog::info("Functions:");
    for (const FunctionSpec* f : shown)
      spdlog::info("  {}: {}", f->name, f->Describe(http_->port(), set->route_prefix));
  }
  std::string notice = auth_->StartupNotice(set->functions);
  if (!notice.empty()) spdlog::warn("{}", notice);
}

void Host::OnAllReady() {
  State expected = State::kInitializing;
  if (state_.compare_exchange_strong(expected, State::kRunning))
    spdlog::info("Host started (Running)");
}

std::string Host::StatusJson() const {
  State st = state_.load();
  std::string state = st == State::kRunning ? "Running" : st == State::kStopping ? "Stopping"
                                                                                   : "Initializing";
  nlohmann::json j;
  if (st == State::kInitializing && pool_ && pool_->spawn_failing()) {
    state = "Error";
    j["errors"] = {"The language worker cannot be started (see the host log)"};
  }
  j["id"] = HostName();
  j["state"] = state;
  j["version"] = PYFN_VERSION;
  j["versionDetails"] = std::string("pyfn-host ") + PYFN_VERSION;
  j["processUptime"] = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - started_)
                           .count();
  return j.dump();
}

void Host::Handle(HttpRequest request, std::function<void(HttpResponse)> respond) {
  std::string path, query;
  SplitTarget(request.target, &path, &query);
  std::string lpath = Lower(path);
  while (lpath.size() > 1 && lpath.back() == '/') lpath.pop_back();
  if (lpath.rfind("/admin/", 0) == 0 || lpath == "/admin") {
    std::string m = request.method;
    bool get = m == "GET" || m == "HEAD";
    if (lpath == "/admin/host/status" && get) {
      HttpResponse r = JsonResponse(200, nlohmann::json::parse(StatusJson()));
      return respond(std::move(r));
    }
    if (lpath == "/admin/host/ping" && (get || m == "POST")) {
      return respond(EmptyResponse(state_.load() == State::kRunning ? 200 : 503));
    }
    return respond(EmptyResponse(404));
  }
  if (state_.load() == State::kStopping) return respond(EmptyResponse(503));
  HandleFunction(path, std::move(request), std::move(respond));
}

void Host::HandleFunction(const std::string& path, HttpRequest request,
                          std::function<void(HttpResponse)> respond) {
  auto set = registry_.Get();
  RouteTable::MatchResult match;
  if (!set->routes.Match(request.method, path, &match)) return respond(EmptyResponse(404));
  const FunctionSpec* fn = set->Find(match.entry->target);
  if (fn == nullptr || fn->disabled) return respond(EmptyResponse(404));
  std::string p, q;
  SplitTarget(request.target, &p, &q);
  if (!auth_->Authorize(*fn, request, ParseQuery(q))) return respond(EmptyResponse(401));
  if (!fn->load_status.ok()) {
    spdlog::error("Function '{}' failed to load: {} (request to {} answered 500)", fn->name,
                  fn->load_status.message(), path);
    return respond(EmptyResponse(500));
  }
  const BindingSpec* trigger = fn->trigger();
  InvocationInput in;
  in.function_name = fn->name;
  in.reason = kHttpReason;
  rpc::ParameterBinding pb;
  pb.set_name(trigger ? trigger->name : "req");
  BuildRpcHttp(request, match.params, pb.mutable_data()->mutable_http());
  in.input_data.push_back(std::move(pb));
  in.http = &in.input_data[0].data().http();
  in.trace_context.set_trace_parent(ContinueTraceparent(HeaderValue(request, "traceparent")));
  in.trace_context.set_trace_state(HeaderValue(request, "tracestate"));
  (*in.trace_context.mutable_attributes())["OperationName"] = fn->name;
  invoker_->Invoke(std::move(in), [set, fn, respond](InvocationOutcome out) {
    if (out.status.IsUnavailable()) return respond(EmptyResponse(503));
    if (!out.succeeded()) return respond(EmptyResponse(500));
    HttpResponse r;
    Status s = HttpResponseFromInvocation(*fn, out.response, &r);
    if (!s.ok()) {
      spdlog::error("Functions.{} (Id={}): {}", fn->name, out.invocation_id, s.message());
      return respond(EmptyResponse(500));
    }
    respond(std::move(r));
  });
}

void Host::RequestShutdown(const std::string& why) {
  std::lock_guard<std::mutex> l(mu_);
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
  {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [&] { return shutdown_requested_; });
  }
  using Clock = std::chrono::steady_clock;
  auto deadline = Clock::now() + settings_.shutdown_grace;
  state_.store(State::kStopping);
  int busy = invoker_->in_flight();
  spdlog::info("Stopping the host ({}); waiting up to {}s for {} in-flight invocation(s)",
               shutdown_reason_, settings_.shutdown_grace.count(), busy);
  http_->StopAccepting();
  while (Clock::now() < deadline && (invoker_->in_flight() > 0 || http_->active_requests() > 0))
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  if (invoker_->in_flight() > 0)
    spdlog::warn("Grace period over with {} invocation(s) still running; they are cancelled",
                 invoker_->in_flight());
  pool_->Shutdown(kWorkerTerminateGrace);
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
