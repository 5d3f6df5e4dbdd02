// Fuzz target: the HTTP request path of the host (make fuzz).
//
// Bytes from the network go through the Beast request parser configured as
// HttpServer configures it (header 32 KiB, body 1 MiB), and every request that
// parses is taken through what Host::Handle does with it, minus the worker:
// SplitTarget/ParseQuery, the route table, BuildRpcHttp, CORS preflight and
// decoration, key checks and the key admin API (memory store).
// Built with libFuzzer by `make fuzz`; standalone_main.cc runs it in CTest.
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

#include "host/app/app_loader.h"
#include "host/app/function_registry.h"
#include "host/http/cors.h"
#include "host/http/rpc_http.h"
#include "host/keys/keys.h"

namespace {

namespace http = boost::beast::http;

struct Fixture {
  pyfn::FunctionRegistry registry{"api"};
  std::unique_ptr<pyfn::KeyManager> keys;
  pyfn::CorsPolicy cors{{"https://a.example", "https://*.b.example"}, true};

  Fixture() {
    spdlog::set_level(spdlog::level::off);
    std::vector<pyfn::FunctionSpec> fns;
    const char* defs[][2] = {
        {"items", R"({"bindings": [{"type": "httpTrigger", "direction": "in", "name": "req",
            "authLevel": "function", "route": "items/{id:int?}", "methods": ["get", "post"]},
            {"type": "http", "direction": "out", "name": "$return"}]})"},
        {"products", R"({"bindings": [{"type": "httpTrigger", "direction": "in", "name": "req",
            "authLevel": "anonymous", "route": "products/{category:alpha}/{id:int?}"},
            {"type": "http", "direction": "out", "name": "$return"}]})"},
        {"adm", R"({"bindings": [{"type": "httpTrigger", "direction": "in", "name": "req",
            "authLevel": "admin"}, {"type": "http", "direction": "out", "name": "res"}]})"},
        {"catchall", R"({"bindings": [{"type": "httpTrigger", "direction": "in", "name": "req",
            "authLevel": "anonymous", "route": "files/{*rest}"},
            {"type": "http", "direction": "out", "name": "$return"}]})"},
    };
    for (auto& d : defs) {
      pyfn::FunctionSpec fn;
      pyfn::ParseFunctionJson(d[0], std::string("/app/") + d[0], d[1], &fn);
      fns.push_back(std::move(fn));
    }
    registry.Replace(fns);
    keys = std::make_unique<pyfn::KeyManager>(std::make_unique<pyfn::MemorySecretsStore>(),
                                              "fuzz-master-key-0123456789",
                                              "fuzz-host-key-0123456789");
    keys->Initialize();
    keys->SyncFunctions(registry.Get()->functions);
  }
};

void HandleOne(Fixture& fx, http::request<http::string_body>& req) {
  pyfn::HttpRequest r;
  r.method = std::string(req.method_string());
  r.SetTarget(std::string(req.target()));
  for (const auto& f : req) r.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  r.base_url = "http://localhost";
  r.body = req.body();

  pyfn::HttpResponse pre;
  if (fx.cors.HandlePreflight(r, &pre)) return;
  const std::string& path = r.path;
  const auto& q = r.query_params;
  if (path.rfind("/admin/", 0) == 0) {
    if (fx.keys->AuthorizeAdmin(r, q)) {
      pyfn::HttpResponse out;
      fx.keys->HandleAdmin(r, path, &out);
    }
    return;
  }
  auto set = fx.registry.Get();
  pyfn::RouteTable::MatchResult m;
  if (!set->routes.Match(r.method, path, &m)) return;
  const pyfn::FunctionSpec* fn = set->Find(m.entry->target);
  if (fn == nullptr) return;
  fx.keys->Authorize(*fn, r, q);
  pyfn::rpc::RpcHttp rpc;
  pyfn::BuildRpcHttp(r, m.params, &rpc);
  pyfn::HttpResponse resp;
  pyfn::rpc::InvocationResponse ir;
  *ir.mutable_return_value()->mutable_http() = rpc;  // an echo, as a worker might answer
  pyfn::HttpResponseFromInvocation(*fn, ir, &resp);
  fx.cors.Decorate(r, &resp);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture* fx = new Fixture();
  if (size == 0) return 0;  // memcpy from a null `data` is undefined
  boost::beast::flat_buffer buf;
  auto in = buf.prepare(size);
  std::memcpy(in.data(), data, size);
  buf.commit(size);
  // Pipelined: parse requests one after another, as a keep-alive session does.
  for (int i = 0; i < 8 && buf.size() > 0; ++i) {
    http::request_parser<http::string_body> p;
    p.header_limit(32 * 1024);
    p.body_limit(1024 * 1024);
    p.eager(true);
    boost::beast::error_code ec;
    size_t used = p.put(buf.data(), ec);
    if (ec == http::error::need_more) return 0;
    if (ec) return 0;
    buf.consume(used);
    while (!p.is_done() && buf.size() > 0) {
      used = p.put(buf.data(), ec);
      if (ec) return 0;
      buf.consume(used);
    }
    if (!p.is_done()) return 0;
    HandleOne(*fx, p.get());
  }
  return 0;
}
