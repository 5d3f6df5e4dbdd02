#include "host/http/http_proxy.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <gtest/gtest.h>

#include <thread>

#include "host/http/http_server.h"

namespace pyfn {
namespace {

TEST(ParseHttpUri, TakesWhatWorkersAdvertise) {
  std::string host;
  int port = 0;
  ASSERT_TRUE(ParseHttpUri("http://127.0.0.1:41234/", &host, &port));
  EXPECT_EQ(host, "127.0.0.1");
  EXPECT_EQ(port, 41234);
  ASSERT_TRUE(ParseHttpUri("http://localhost:8080", &host, &port));  // Azure's worker form
  EXPECT_EQ(host, "127.0.0.1");
  EXPECT_EQ(port, 8080);
  ASSERT_TRUE(ParseHttpUri("http://[::1]:9000/x", &host, &port));
  EXPECT_EQ(host, "::1");
  EXPECT_EQ(port, 9000);
}

TEST(ParseHttpUri, RejectsWhatCannotBeConnectedTo) {
  std::string host;
  int port = 0;
  for (const char* bad : {"", "https://127.0.0.1:1/", "http://127.0.0.1/", "http://127.0.0.1:/",
                          "http://127.0.0.1:0/", "http://127.0.0.1:70000/", "http://127.0.0.1:8x/",
                          "http://example.com:80/", "ftp://127.0.0.1:21/"})
    EXPECT_FALSE(ParseHttpUri(bad, &host, &port)) << bad;
}

}  // namespace
}  // namespace pyfn

// The whole path over real sockets: a client -> HttpServer (streaming) ->
// StartHttpProxy -> an upstream standing in for the worker's endpoint.
namespace pyfn {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

class ProxyingHandler : public HttpHandler {
 public:
  ProxyingHandler(net::io_context& ioc, std::string uri, std::function<int()> failure_status = {})
      : ioc_(ioc), uri_(std::move(uri)), failure_status_(std::move(failure_status)) {}
  void Handle(HttpRequest, std::function<void(HttpResponse)> respond) override {
    respond(EmptyResponse(418));  // not streamed
  }
  bool WantsStream(const HttpRequest& head) override { return head.path == "/stream"; }
  void HandleStream(HttpRequest head, std::shared_ptr<HttpStream> stream) override {
    ProxyRequest p;
    p.http_uri = uri_;
    p.invocation_id = "inv-42";
    p.head = std::move(head);
    p.client = std::move(stream);
    p.decorate = [](HttpResponse* r) { r->headers.emplace_back("X-Decorated", "1"); };
    p.failure_status = failure_status_;
    StartHttpProxy(ioc_, std::move(p));
  }

 private:
  net::io_context& ioc_;
  std::string uri_;
  std::function<int()> failure_status_;
};

TEST(HttpProxy, ForwardsTheRequestAndRelaysAChunkedResponse) {
  // Upstream: reads one request, answers in two chunks.
  net::io_context up_ioc;
  tcp::acceptor acceptor(up_ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
  int up_port = acceptor.local_endpoint().port();
  std::string seen_id, seen_body, seen_te;
  std::thread upstream([&] {
    tcp::socket s(up_ioc);
    acceptor.accept(s);
    beast::flat_buffer b;
    http::request<http::string_body> req;
    http::read(s, b, req);
    seen_id = std::string(req["x-ms-invocation-id"]);
    seen_te = std::string(req[http::field::transfer_encoding]);
    seen_body = req.body();
    http::response<http::empty_body> res(http::status::ok, 11);
    res.set(http::field::content_type, "text/event-stream");
    res.chunked(true);
    http::response_serializer<http::empty_body> sr(res);
    http::write_header(s, sr);
    net::write(s, http::make_chunk(net::buffer(std::string("data: one\n\n"))));
    net::write(s, http::make_chunk(net::buffer(std::string("data: two\n\n"))));
    net::write(s, http::make_chunk_last());
    beast::error_code ec;
    s.shutdown(tcp::socket::shutdown_both, ec);
  });

  net::io_context ioc;
  ProxyingHandler handler(ioc, "http://127.0.0.1:" + std::to_string(up_port) + "/");
  HttpServerOptions o;
  o.port = 0;
  HttpServer server(ioc, &handler, o);
  ASSERT_TRUE(server.Listen().ok());
  auto guard = net::make_work_guard(ioc);
  std::thread io([&] { ioc.run(); });

  tcp::socket c(ioc);
  c.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), server.port()));
  http::request<http::string_body> req(http::verb::post, "/stream", 11);
  req.set(http::field::host, "test");
  req.chunked(true);
  req.body() = "hello body";
  http::write(c, req);
  beast::flat_buffer b;
  http::response<http::string_body> res;
  http::read(c, b, res);

  EXPECT_EQ(res.result_int(), 200u);
  EXPECT_EQ(res[http::field::content_type], "text/event-stream");
  EXPECT_EQ(res["X-Decorated"], "1");
  EXPECT_TRUE(res.chunked());
  EXPECT_EQ(res.body(), "data: one\n\ndata: two\n\n");
  upstream.join();
  EXPECT_EQ(seen_id, "inv-42");
  EXPECT_EQ(seen_te, "chunked");
  EXPECT_EQ(seen_body, "hello body");
  beast::error_code ec;
  c.close(ec);
  server.StopAccepting();
  guard.reset();
  ioc.stop();
  io.join();
}

// The response a client gets when nothing listens at the worker's HttpUri.
http::response<http::string_body> AnswerFromDeadWorker(std::function<int()> failure_status) {
  int dead_port;
  {
    net::io_context tmp;
    tcp::acceptor a(tmp, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
    dead_port = a.local_endpoint().port();
  }  // closed: nothing listens there now
  net::io_context ioc;
  ProxyingHandler handler(ioc, "http://127.0.0.1:" + std::to_string(dead_port) + "/",
                          std::move(failure_status));
  HttpServerOptions o;
  o.port = 0;
  HttpServer server(ioc, &handler, o);
  EXPECT_TRUE(server.Listen().ok());
  auto guard = net::make_work_guard(ioc);
  std::thread io([&] { ioc.run(); });
  tcp::socket c(ioc);
  c.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), server.port()));
  http::request<http::string_body> req(http::verb::get, "/stream", 11);
  req.set(http::field::host, "test");
  http::write(c, req);
  beast::flat_buffer b;
  http::response<http::string_body> res;
  http::read(c, b, res);
  beast::error_code ec;
  c.close(ec);
  server.StopAccepting();
  guard.reset();
  ioc.stop();
  io.join();
  return res;
}

TEST(HttpProxy, AnUnreachableWorkerIs500) {
  auto res = AnswerFromDeadWorker({});
  EXPECT_EQ(res.result_int(), 500u);
  EXPECT_EQ(res["X-Decorated"], "1");
}

TEST(HttpProxy, AnUnreachableWorkerGetsTheFailureStatusAskedAtThatMoment) {
  int asked = 0;
  auto res = AnswerFromDeadWorker([&] {
    ++asked;
    return 503;
  });
  EXPECT_EQ(res.result_int(), 503u);
  EXPECT_EQ(res["X-Decorated"], "1");
  EXPECT_EQ(asked, 1);
}

}  // namespace
}  // namespace pyfn
