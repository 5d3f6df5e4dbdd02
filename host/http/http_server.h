// The HTTP/1.1 front end (Boost.Beast on Asio).
//
// One io_context run by a few threads (Host uses min(4, max(2, cores))); each
// connection lives on its own strand. Keep-alive and pipelined requests are
// served in order, one at a time per connection. Bodies may come with
// Content-Length or chunked; "Expect: 100-continue" is answered. Limits:
// body (413), header block 32 KiB and 100 fields (431), idle keep-alive
// 120 s, a request's header must arrive within 30 s of its first byte and its
// body may not stall for 30 s (408 and close); all set by HttpServerOptions.
// Error answers close the connection after draining what the client still
// sends for a moment, so it can read the answer.
// The server knows nothing of functions: it hands each request to an
// HttpHandler and writes whatever response comes back, on whatever thread.
#ifndef PYFN_HOST_HTTP_SERVER_H_
#define PYFN_HOST_HTTP_SERVER_H_

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <cstdint>
#include <chrono>
#include <functional>
#include <memory>

#include "host/common/status.h"
#include "host/http/http_message.h"
#include "host/http/http_stream.h"

namespace pyfn {

class HttpHandler {
 public:
  virtual ~HttpHandler() = default;
  // Handles one request. `respond` must be called exactly once, from any
  // thread, at any later time.
  virtual void Handle(HttpRequest request, std::function<void(HttpResponse)> respond) = 0;
  // Streaming HTTP (http_stream.h): asked once a request's head has been read
  // (`head` has no body); true hands the request to HandleStream instead of
  // reading its body first.
  virtual bool WantsStream(const HttpRequest& head) { return false; }
  // By value: an override keeps both. NOLINTNEXTLINE(performance-unnecessary-value-param)
  virtual void HandleStream(HttpRequest head, std::shared_ptr<HttpStream> stream) {}
};

struct HttpServerOptions {
  int port = 7071;
  uint64_t body_limit = 100ull * 1024 * 1024;
  uint32_t header_limit = 32 * 1024;
  uint32_t header_count_limit = 100;
  std::chrono::seconds headers_timeout{30};    // first byte -> end of the header
  std::chrono::seconds body_timeout{30};       // the body makes no progress
  std::chrono::seconds keepalive_timeout{120};  // idle between requests
  // Called with the status of every response written (metrics); any thread.
  std::function<void(int)> on_response;
};

class HttpServer {
 public:
  // `ioc` and `handler` must outlive the server.
  HttpServer(boost::asio::io_context& ioc, HttpHandler* handler, HttpServerOptions options);
  ~HttpServer();

  // Binds [::]:port (dual stack), or 0.0.0.0:port where IPv6 is unavailable,
  // and starts accepting. Errors name the port.
  Status Listen();
  int port() const { return port_; }

  // Stops accepting; requests that arrive afterwards on open connections get
  // 503 with "Connection: close". Thread safe.
  void StopAccepting();
  // Requests read and not yet answered.
  int active_requests() const { return active_.load(); }

 private:
  class Session;
  void DoAccept();

  boost::asio::io_context& ioc_;
  HttpHandler* const handler_;
  const HttpServerOptions options_;
  boost::asio::ip::tcp::acceptor acceptor_;
  int port_ = 0;
  std::atomic<bool> draining_{false};
  std::atomic<int> active_{0};
};

}  // namespace pyfn

#endif  // PYFN_HOST_HTTP_SERVER_H_
