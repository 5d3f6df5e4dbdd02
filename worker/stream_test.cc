// Drives the real pyfn-worker binary from an in-process gRPC server: StartStream,
// WorkerInitRequest, FunctionsMetadataRequest, FunctionLoadRequest of a tiny app
// in a temp dir, one HTTP invocation, one unreadable InvocationRequest (fails
// alone), one failing invocation, WorkerTerminate.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <future>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "FunctionRpc.grpc.pb.h"

extern char** environ;

namespace pyfn {
namespace {

namespace rpc = AzureFunctionsRpcMessages;
using rpc::StreamingMessage;

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream f(path);
  f << text;
}

struct Transcript {
  std::string worker_id;
  StreamingMessage init_response, metadata_response, load_response, bad_load_response,
      invocation_response, unreadable_response, failed_response;
  std::vector<StreamingMessage> logs;
  std::set<std::string> burst_answered;  // invocation ids of the burst's responses
  bool stream_ended = false;
  std::string error;
};

constexpr int kBurst = 200;

class FakeHost final : public rpc::FunctionRpc::Service {
 public:
  explicit FakeHost(std::string app_dir) : app_dir_(std::move(app_dir)) {}
  std::future<Transcript> Done() { return done_.get_future(); }

  grpc::Status EventStream(
      grpc::ServerContext*,
      grpc::ServerReaderWriter<StreamingMessage, StreamingMessage>* stream) override {
    Transcript t;
    Converse(stream, &t);
    done_.set_value(std::move(t));
    return grpc::Status::OK;
  }

 private:
  // Reads the next non-log message.
  bool Next(grpc::ServerReaderWriter<StreamingMessage, StreamingMessage>* s, Transcript* t,
            StreamingMessage* m) {
    while (s->Read(m)) {
      if (m->has_rpc_log()) {
        t->logs.push_back(*m);
        continue;
      }
      return true;
    }
    return false;
  }

  void Converse(grpc::ServerReaderWriter<StreamingMessage, StreamingMessage>* s, Transcript* t) {
    StreamingMessage m;
    if (!s->Read(&m) || !m.has_start_stream()) { t->error = "no StartStream"; return; }
    t->worker_id = m.start_stream().worker_id();

    StreamingMessage init;
    init.set_request_id("req-init");
    init.mutable_worker_init_request()->set_host_version("4.0.0");
    (*init.mutable_worker_init_request()->mutable_capabilities())["RawHttpBodyBytes"] = "true";
    init.mutable_worker_init_request()->set_function_app_directory(app_dir_);
    s->Write(init);
    if (!Next(s, t, &t->init_response)) { t->error = "no init response"; return; }

    StreamingMessage meta;
    meta.set_request_id("req-meta");
    meta.mutable_functions_metadata_request()->set_function_app_directory(app_dir_);
    s->Write(meta);
    if (!Next(s, t, &t->metadata_response)) { t->error = "no metadata response"; return; }

    StreamingMessage load;
    load.set_request_id("req-load");
    rpc::FunctionLoadRequest* lr = load.mutable_function_load_request();
    lr->set_function_id("fid-hello");
    rpc::RpcFunctionMetadata* md = lr->mutable_metadata();
    md->set_name("hello");
    md->set_directory(app_dir_ + "/hello");
    md->set_script_file(app_dir_ + "/hello/__init__.py");
    md->add_raw_bindings(
        R"({"authLevel":"anonymous","type":"httpTrigger","direction":"in","name":"req"})");
    md->add_raw_bindings(R"({"type":"http","direction":"out","name":"$return"})");
    s->Write(load);
    if (!Next(s, t, &t->load_response)) { t->error = "no load response"; return; }

    StreamingMessage bad = load;
    bad.set_request_id("req-load-bad");
    bad.mutable_function_load_request()->set_function_id("fid-bad");
    bad.mutable_function_load_request()->mutable_metadata()->set_name("bad");
    bad.mutable_function_load_request()->mutable_metadata()->set_directory(app_dir_ + "/bad");
    bad.mutable_function_load_request()->mutable_metadata()->set_script_file(app_dir_ +
                                                                           "/bad/__init__.py");
    s->Write(bad);
    if (!Next(s, t, &t->bad_load_response)) { t->error = "no bad load response"; return; }

    StreamingMessage inv;
    inv.set_request_id("req-inv");
    rpc::InvocationRequest* ir = inv.mutable_invocation_request();
    ir->set_invocation_id("inv-1");
    ir->set_function_id("fid-hello");
    rpc::ParameterBinding* pb = ir->add_input_data();
    pb->set_name("req");
    rpc::RpcHttp* http = pb->mutable_data()->mutable_http();
    http->set_method("GET");
    http->set_url("http://localhost:7071/api/hello?name=pyfn");
    (*http->mutable_query())["name"] = "pyfn";
    http->mutable_body()->set_bytes("");
    ir->mutable_trace_context()->set_trace_parent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    s->Write(inv);
    if (!Next(s, t, &t->invocation_response)) { t->error = "no invocation response"; return; }

    // A message the worker cannot parse (a string field that is not UTF-8, as
    // protobuf serializes it with only a logged error): that invocation fails,
    // the stream goes on.
    StreamingMessage unreadable = inv;
    unreadable.set_request_id("req-inv-bad");
    unreadable.mutable_invocation_request()->set_invocation_id("inv-bad");
    (*unreadable.mutable_invocation_request()->mutable_input_data(0)->mutable_data()
          ->mutable_http()->mutable_query())["name"] = "\xFF";
    s->Write(unreadable);
    if (!Next(s, t, &t->unreadable_response)) { t->error = "no answer to the unreadable message"; return; }

    StreamingMessage inv2 = inv;
    inv2.set_request_id("req-inv-2");
    inv2.mutable_invocation_request()->set_invocation_id("inv-2");
    (*inv2.mutable_invocation_request()->mutable_input_data(0)->mutable_data()->mutable_http()
          ->mutable_query())["name"] = "boom";
    s->Write(inv2);
    if (!Next(s, t, &t->failed_response)) { t->error = "no second invocation response"; return; }

    // A burst sent without waiting: the answers queue up in the worker's writer; each one
    // must arrive, the last included.
    for (int i = 0; i < kBurst; ++i) {
      StreamingMessage b = inv;
      b.set_request_id("req-burst-" + std::to_string(i));
      b.mutable_invocation_request()->set_invocation_id("inv-burst-" + std::to_string(i));
      s->Write(b);
    }
    for (int i = 0; i < kBurst; ++i) {
      if (!Next(s, t, &m) || !m.has_invocation_response()) {
        t->error = "burst: " + std::to_string(i) + " of " + std::to_string(kBurst) + " answered";
        return;
      }
      t->burst_answered.insert(m.invocation_response().invocation_id());
    }

    StreamingMessage term;
    term.mutable_worker_terminate()->mutable_grace_period()->set_seconds(5);
    s->Write(term);
    while (Next(s, t, &m)) {
    }
    t->stream_ended = true;
  }

  std::string app_dir_;
  std::promise<Transcript> done_;
};

TEST(StreamTest, WorkerServesAnHttpFunction) {
  char tmpl[] = "/tmp/pyfn-worker-test-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  std::string app = tmpl;
  WriteFile(app + "/host.json", R"({"version": "2.0"})");
  ASSERT_EQ(mkdir((app + "/hello").c_str(), 0755), 0);
  ASSERT_EQ(mkdir((app + "/bad").c_str(), 0755), 0);
  WriteFile(app + "/hello/__init__.py",
            "import logging\n"
            "import azure.functions as func\n"
            "def main(req: func.HttpRequest, context: func.Context) -> func.HttpResponse:\n"
            "    name = req.params.get('name')\n"
            "    if name == 'boom':\n"
            "        raise ValueError('boom requested')\n"
            "    logging.info('hello from %s', context.invocation_id)\n"
            "    print('printed line')\n"
            "    return func.HttpResponse(f'Hello, {name}! {context.trace_context.Traceparent[:5]}',\n"
            "                             status_code=201, headers={'Set-Cookie': 'a=b; Path=/'})\n");
  WriteFile(app + "/bad/__init__.py", "def main(req:\n    pass\n");

  FakeHost host(app);
  auto done = host.Done();
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&host);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  ASSERT_GT(port, 0);

  setenv("PYFN_PYTHON_DIR", PYFN_PYTHON_SOURCE_DIR, 1);
  std::string port_s = std::to_string(port);
  std::vector<std::string> args = {PYFN_WORKER_EXE, "--host", "127.0.0.1", "--port", port_s,
                                   "--workerId", "worker-1", "--requestId", "r-1",
                                   "--functions-uri", "http://127.0.0.1:" + port_s + "/",
                                   "--functions-worker-id", "worker-1",
                                   "--grpcMaxMessageLength", "2147483647"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  auto started = std::chrono::steady_clock::now();
  ASSERT_EQ(posix_spawn(&pid, PYFN_WORKER_EXE, nullptr, nullptr, argv.data(), environ), 0);

  ASSERT_EQ(done.wait_for(std::chrono::seconds(60)), std::future_status::ready)
      << "the conversation did not finish";
  Transcript t = done.get();
  auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  int status = 0;
  bool exited = false;
  for (int i = 0; i < 100 && !exited; ++i) {
    exited = waitpid(pid, &status, WNOHANG) == pid;
    if (!exited) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (!exited) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
  }
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  std::string logs;
  for (const auto& m : t.logs) logs += m.rpc_log().message() + "\n";

  ASSERT_EQ(t.error, "") << logs;
  EXPECT_EQ(t.worker_id, "worker-1");
  EXPECT_EQ(t.burst_answered.size(), static_cast<size_t>(kBurst));
  EXPECT_EQ(t.init_response.request_id(), "req-init");
  EXPECT_EQ(t.init_response.worker_init_response().result().status(),
            rpc::StatusResult::Success);
  EXPECT_EQ(t.init_response.worker_init_response().worker_metadata().runtime_name(), "python");
  EXPECT_EQ(t.init_response.worker_init_response().capabilities().at("RawHttpBodyBytes"), "true");

  EXPECT_EQ(t.metadata_response.request_id(), "req-meta");
  EXPECT_TRUE(t.metadata_response.function_metadata_response().use_default_metadata_indexing());

  EXPECT_EQ(t.load_response.request_id(), "req-load");
  EXPECT_EQ(t.load_response.function_load_response().result().status(),
            rpc::StatusResult::Success)
      << t.load_response.function_load_response().result().exception().message();
  const auto& bad = t.bad_load_response.function_load_response().result();
  EXPECT_EQ(bad.status(), rpc::StatusResult::Failure);
  EXPECT_NE(bad.exception().message().find("'bad'"), std::string::npos) << bad.exception().message();
  EXPECT_NE(bad.exception().message().find("SyntaxError"), std::string::npos);
  EXPECT_NE(bad.exception().message().find("line 1"), std::string::npos);

  const auto& r = t.invocation_response.invocation_response();
  EXPECT_EQ(t.invocation_response.request_id(), "req-inv");
  EXPECT_EQ(r.invocation_id(), "inv-1");
  ASSERT_EQ(r.result().status(), rpc::StatusResult::Success) << r.result().exception().message()
                                                            << r.result().exception().stack_trace();
  EXPECT_EQ(r.return_value().http().status_code(), "201");
  EXPECT_EQ(r.return_value().http().body().bytes(), "Hello, pyfn! 00-0a");
  ASSERT_EQ(r.return_value().http().cookies_size(), 1);
  EXPECT_EQ(r.return_value().http().cookies(0).name(), "a");
  EXPECT_EQ(r.return_value().http().cookies(0).path().value(), "/");

  const auto& u = t.unreadable_response.invocation_response();
  EXPECT_EQ(t.unreadable_response.request_id(), "req-inv-bad");
  EXPECT_EQ(u.invocation_id(), "inv-bad");
  EXPECT_EQ(u.result().status(), rpc::StatusResult::Failure);
  EXPECT_NE(u.result().exception().message().find("could not read the host's invocation_request"),
            std::string::npos)
      << u.result().exception().message();

  const auto& f = t.failed_response.invocation_response();
  EXPECT_EQ(f.result().status(), rpc::StatusResult::Failure);
  EXPECT_NE(f.result().exception().message().find("boom requested"), std::string::npos);
  EXPECT_NE(f.result().exception().stack_trace().find("Traceback"), std::string::npos);

  bool saw_log = false, saw_print = false;
  for (const auto& m : t.logs) {
    const auto& l = m.rpc_log();
    if (l.message() == "hello from inv-1") {
      saw_log = l.invocation_id() == "inv-1" && l.category() == "Function.hello.User" &&
                l.level() == rpc::RpcLog::Information;
    }
    // The burst prints too: inv-1's line must be among them, attributed to it.
    if (l.message() == "printed line" && l.invocation_id() == "inv-1") saw_print = true;
  }
  EXPECT_TRUE(saw_log) << logs;
  EXPECT_TRUE(saw_print) << logs;

  EXPECT_TRUE(t.stream_ended);
  EXPECT_TRUE(exited) << "worker did not exit after WorkerTerminate";
  if (exited) {
    EXPECT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
  }
  std::printf("conversation took %lld ms\n", static_cast<long long>(elapsed.count()));
  std::string rm = "rm -rf '" + app + "'";
  (void)std::system(rm.c_str());
}

TEST(StreamTest, VersionFlag) {
  std::string cmd = std::string(PYFN_WORKER_EXE) + " --version";
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  char buf[256] = {0};
  size_t n = fread(buf, 1, sizeof buf - 1, p);
  EXPECT_EQ(pclose(p), 0);
  EXPECT_EQ(std::string(buf, n).rfind("pyfn-worker ", 0), 0u);
}

TEST(StreamTest, UnknownArgumentFails) {
  std::string cmd = std::string(PYFN_WORKER_EXE) + " --bogus 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  char buf[1024] = {0};
  size_t n = fread(buf, 1, sizeof buf - 1, p);
  int rc = pclose(p);
  EXPECT_NE(rc, 0);
  EXPECT_NE(std::string(buf, n).find("--bogus"), std::string::npos);
}

}  // namespace
}  // namespace pyfn
