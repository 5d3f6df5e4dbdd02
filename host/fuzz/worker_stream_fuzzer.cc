// Fuzz target: the host's side of a worker's gRPC stream (make fuzz).
//
// A worker in a state chosen by the input sends messages made from the input
// to WorkerPool::OnMessage: raw protobuf bytes, and messages built from the
// bytes (invocation responses for the invocations in flight, init, metadata
// with arbitrary raw_bindings JSON, load responses, logs). Whatever arrives,
// the host must not crash, and each invocation's callback runs exactly once
// by the time the pool shuts down (malformed answers fail the invocation or
// restart the worker; they never kill the host).
// No processes and no sockets: the worker has no process and no channel.
#include <spdlog/spdlog.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>

#include "host/app/app_loader.h"
#include "host/app/function_registry.h"
#include "host/workers/worker_pool.h"

namespace pyfn {

class WorkerPoolTestPeer {
 public:
  static void AddWorker(WorkerPool* p, const std::string& id, int state) {
    pyfn::MutexLock l(p->mu_);
    auto w = std::make_unique<WorkerPool::Worker>();
    w->slot = 0;
    w->id = id;
    w->state = static_cast<WorkerPool::State>(1 + state % 5);  // kStarting..kReady
    w->deadline = WorkerPool::Clock::now() + std::chrono::hours(1);
    if (w->state == WorkerPool::State::kLoading)
      for (const auto& f : p->registry_->Get()->functions) w->loading.insert(f.function_id);
    if (w->state == WorkerPool::State::kReady) {
      w->was_ready = true;
      w->ready_since = WorkerPool::Clock::now();
    }
    p->workers_.push_back(std::move(w));
  }
  static void Deadlines(WorkerPool* p) {
    WorkerPool::Deferred later;
    {
      pyfn::MutexLock l(p->mu_);
      p->CheckDeadlines(&later);
    }
    for (auto& f : later) f();
  }
  static void Feed(WorkerPool* p, const std::string& id, rpc::StreamingMessage& m) {
    p->OnMessage(id, m);
  }
};

}  // namespace pyfn

namespace {

using pyfn::rpc::StreamingMessage;

struct Reader {
  const uint8_t* p;
  size_t n;
  uint8_t Byte() {
    if (n == 0) return 0;
    --n;
    return *p++;
  }
  std::string Bytes(size_t max) {
    size_t len = Byte();
    len = std::min({len, max, n});
    std::string s(reinterpret_cast<const char*>(p), len);
    p += len;
    n -= len;
    return s;
  }
};

void FillTyped(Reader& r, pyfn::rpc::TypedData* t) {
  switch (r.Byte() % 8) {
    case 0: t->set_string(r.Bytes(64)); break;
    case 1: t->set_bytes(r.Bytes(64)); break;
    case 2: t->set_json(r.Bytes(64)); break;
    case 3: {
      auto* h = t->mutable_http();
      h->set_status_code(r.Bytes(8));
      (*h->mutable_headers())[r.Bytes(16)] = r.Bytes(32);
      h->mutable_body()->set_string(r.Bytes(32));
      if (r.Byte() & 1) h->add_cookies()->set_name(r.Bytes(8));
      break;
    }
    case 4: t->set_int_(static_cast<int64_t>(r.Byte()) - 100); break;
    case 5: t->mutable_collection_string()->add_string(r.Bytes(16)); break;
    case 6: break;  // unset
    default: t->set_double_(r.Byte() / 7.0); break;
  }
}

StreamingMessage Build(Reader& r, const std::vector<std::string>& function_ids) {
  StreamingMessage m;
  m.set_request_id(r.Bytes(8));
  auto status = [&](pyfn::rpc::StatusResult* s) {
    s->set_status(static_cast<pyfn::rpc::StatusResult::Status>(r.Byte() % 3));
    if (r.Byte() & 1) s->mutable_exception()->set_message(r.Bytes(32));
  };
  auto fid = [&]() {
    uint8_t b = r.Byte();
    if (function_ids.empty() || b >= 200) return r.Bytes(16);
    return function_ids[b % function_ids.size()];
  };
  switch (r.Byte() % 7) {
    case 0: {
      auto* ir = m.mutable_invocation_response();
      uint8_t which = r.Byte();
      ir->set_invocation_id(which < 100 ? "inv-1" : which < 200 ? "inv-2" : r.Bytes(8));
      status(ir->mutable_result());
      if (r.Byte() & 1) FillTyped(r, ir->mutable_return_value());
      for (int i = r.Byte() % 3; i > 0; --i) {
        auto* pb = ir->add_output_data();
        pb->set_name(r.Byte() & 1 ? "$return" : r.Bytes(8));
        FillTyped(r, pb->mutable_data());
      }
      break;
    }
    case 1:
      status(m.mutable_worker_init_response()->mutable_result());
      break;
    case 2: {
      auto* md = m.mutable_function_metadata_response();
      md->set_use_default_metadata_indexing(r.Byte() & 1);
      status(md->mutable_result());
      for (int i = r.Byte() % 3; i > 0; --i) {
        auto* f = md->add_function_metadata_results();
        f->set_name(r.Bytes(12));
        f->set_function_id(r.Bytes(8));
        f->set_script_file(r.Bytes(12));
        for (int j = r.Byte() % 3; j > 0; --j) f->add_raw_bindings(r.Bytes(120));
      }
      break;
    }
    case 3: {
      auto* lr = m.mutable_function_load_response();
      lr->set_function_id(fid());
      status(lr->mutable_result());
      break;
    }
    case 4: {
      auto* c = m.mutable_function_load_response_collection();
      for (int i = r.Byte() % 3; i > 0; --i) {
        auto* lr = c->add_function_load_responses();
        lr->set_function_id(fid());
        status(lr->mutable_result());
      }
      break;
    }
    case 5: {
      auto* log = m.mutable_rpc_log();
      log->set_invocation_id(r.Byte() & 1 ? "inv-1" : r.Bytes(8));
      log->set_level(static_cast<pyfn::rpc::RpcLog::Level>(r.Byte() % 7));
      log->set_message(r.Bytes(64));
      log->set_category(r.Bytes(16));
      break;
    }
    default:
      m.mutable_start_stream()->set_worker_id(r.Bytes(8));
      break;
  }
  return m;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static bool quiet = (spdlog::set_level(spdlog::level::off), true);
  (void)quiet;
  Reader r{data, size};
  uint8_t setup = r.Byte();

  pyfn::FunctionRegistry registry("api");
  std::vector<pyfn::FunctionSpec> fns(2);
  pyfn::ParseFunctionJson("a", "/app/a", R"({"bindings": [{"type": "httpTrigger",
      "direction": "in", "name": "req"}, {"type": "http", "direction": "out", "name": "$return"}]})",
                          &fns[0]);
  pyfn::ParseFunctionJson("b", "/app/b", R"({"bindings": [{"type": "queueTrigger",
      "direction": "in", "name": "msg", "queueName": "q"}, {"type": "http", "direction": "out",
      "name": "res"}]})", &fns[1]);
  fns[0].function_id = "fid-a";
  fns[1].function_id = "fid-b";
  registry.Replace(fns);

  pyfn::WorkerPoolOptions o;
  o.count = 1;
  o.config.worker_indexing = setup & 0x80;
  o.function_timeout = std::chrono::milliseconds(setup & 0x40 ? 0 : 3600000);
  pyfn::WorkerPool::Callbacks cb;
  cb.on_indexed = [] {};
  cb.on_all_ready = [] {};
  std::map<std::string, int> calls;
  {
    pyfn::WorkerPool pool(o, &registry, cb);
    pyfn::WorkerPoolTestPeer::AddWorker(&pool, "w1", setup & 7);
    for (const char* id : {"inv-1", "inv-2"}) {
      pyfn::rpc::InvocationRequest req;
      req.set_invocation_id(id);
      req.set_function_id("fid-a");
      std::string key = id;
      pool.Dispatch(registry.Get()->functions[0], pyfn::OutgoingFromRequest(req),
                    [&calls, key](const pyfn::Status&, const pyfn::rpc::InvocationResponse&) {
                      ++calls[key];
                    });
    }
    std::vector<std::string> ids = {"fid-a", "fid-b"};
    for (int i = 0; i < 16 && r.n > 0; ++i) {
      uint8_t kind = r.Byte();
      StreamingMessage m;
      if (kind & 0x80) {
        m = Build(r, ids);
      } else {
        std::string raw = r.Bytes(255);
        if (!m.ParseFromString(raw)) continue;
      }
      pyfn::WorkerPoolTestPeer::Feed(&pool, kind & 0x40 ? "other" : "w1", m);
      if (kind & 0x20) pyfn::WorkerPoolTestPeer::Deadlines(&pool);
    }
    pool.Shutdown(std::chrono::milliseconds(0));
  }
  for (const auto& kv : calls)
    if (kv.second != 1) std::abort();  // answered twice
  if (calls.size() != 2) std::abort();  // never answered
  return 0;
}
