#include "host/http/http_proxy.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include <cctype>
#include <limits>
#include <optional>

#include "host/common/strings.h"

namespace pyfn {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

bool ParseHttpUri(const std::string& uri, std::string* host, int* port) {
  const std::string scheme = "http://";
  if (uri.compare(0, scheme.size(), scheme) != 0) return false;
  std::string rest = uri.substr(scheme.size());
  rest = rest.substr(0, rest.find('/'));
  size_t colon = rest.rfind(':');
  if (colon == std::string::npos || colon + 1 >= rest.size()) return false;
  std::string h = rest.substr(0, colon);
  std::string p = rest.substr(colon + 1);
  for (char c : p)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  if (p.size() > 5) return false;
  int n = std::stoi(p);
  if (n <= 0 || n > 65535) return false;
  if (h.size() > 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  if (h == "localhost") h = "127.0.0.1";
  beast::error_code ec;
  net::ip::make_address(h, ec);
  if (ec) return false;
  *host = h;
  *port = n;
  return true;
}

namespace {

constexpr size_t kPieceBytes = 256 * 1024;

// Hop-by-hop fields (RFC 9110 7.6.1) and the framing the proxy sets itself.
bool IsHopByHop(const std::string& name) {
  static const char* kNames[] = {"connection", "keep-alive",        "proxy-connection",
                                 "te",         "transfer-encoding", "upgrade",
                                 "trailer",    "expect",            "content-length"};
  std::string l = AsciiLower(name);
  for (const char* n : kNames)
    if (l == n) return true;
  return false;
}

class HttpProxyCall : public std::enable_shared_from_this<HttpProxyCall> {
 public:
  HttpProxyCall(net::io_context& ioc, ProxyRequest r)
      : r_(std::move(r)), socket_(net::make_strand(ioc)) {
    // Beast reads at most what fits without growing the buffer: room for
    // large pieces (a small buffer means many small reads and writes).
    buffer_.reserve(kPieceBytes);
  }

  net::any_io_executor socket_executor() { return socket_.get_executor(); }

  void Start() {
    if (r_.head.method == "HEAD") parser_.skip(true);
    std::string host;
    int port = 0;
    if (!ParseHttpUri(r_.http_uri, &host, &port))
      return FailBeforeHead("the worker's HttpUri '" + r_.http_uri + "' is not http://host:port");
    tcp::endpoint ep(net::ip::make_address(host), static_cast<unsigned short>(port));
    socket_.async_connect(ep, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->FailBeforeHead("cannot connect to the worker's endpoint " +
                                          self->r_.http_uri + ": " + ec.message());
      beast::error_code ignored;
      self->socket_.set_option(tcp::no_delay(true), ignored);
      self->WriteRequestHead();
    });
  }

 private:
  void WriteRequestHead() {
    auto req = std::make_shared<http::request<http::empty_body>>();
    req->method_string(r_.head.method);
    req->target(r_.head.target);
    req->version(11);
    std::string length = r_.head.Header("content-length");
    bool chunked = !AsciiLower(r_.head.Header("transfer-encoding")).empty();
    for (const auto& h : r_.head.headers)
      if (!IsHopByHop(h.first) && AsciiLower(h.first) != kInvocationIdHeader)
        req->insert(h.first, h.second);
    req->set(kInvocationIdHeader, r_.invocation_id);
    req->set(http::field::connection, "close");
    if (chunked) {
      upload_chunked_ = true;
      req->chunked(true);
    } else if (!length.empty()) {
      req->set(http::field::content_length, length);
    } else {
      upload_done_ = true;  // no body
    }
    auto sr = std::make_shared<http::request_serializer<http::empty_body>>(*req);
    http::async_write_header(socket_, *sr,
                             [self = shared_from_this(), req, sr](beast::error_code ec,
                                                                  std::size_t) {
                               if (ec) return self->WorkerBroke("writing the request: " +
                                                                ec.message());
                               if (!self->upload_done_) self->Upload();
                               self->ReadResponseHead();
                             });
  }

  // Client body -> worker, one piece at a time.
  void Upload() {
    r_.client->ReadBody([self = shared_from_this()](const Status& s, std::string data, bool last) {
      net::post(self->socket_.get_executor(), [self, s, data = std::move(data), last]() mutable {
        self->OnClientPiece(s, std::move(data), last);
      });
    });
  }

  void OnClientPiece(const Status& s, std::string data, bool last) {
    if (finished_) return;
    if (!s.ok()) {
      // The client's body broke (gone, too large, too slow): the worker's
      // request cannot complete either.
      spdlog::debug("Streaming HTTP: invocation {}: {}", r_.invocation_id, s.message());
      if (!head_written_ && s.IsInvalidArgument()) return End(EmptyResponse(413), s);
      return End(std::nullopt, s);
    }
    auto buf = std::make_shared<std::string>(std::move(data));
    auto next = [self = shared_from_this(), buf, last](beast::error_code ec, std::size_t) {
      if (ec) return;  // the worker closed; the download side reports it
      if (last) return self->EndUpload();
      self->Upload();
    };
    if (buf->empty()) return last ? EndUpload() : Upload();
    if (upload_chunked_)
      net::async_write(socket_, http::make_chunk(net::buffer(*buf)), std::move(next));
    else
      net::async_write(socket_, net::buffer(*buf), std::move(next));
  }

  void EndUpload() {
    upload_done_ = true;
    if (!upload_chunked_) return;
    net::async_write(socket_, http::make_chunk_last(),
                     [self = shared_from_this()](beast::error_code, std::size_t) {});
  }

  void ReadResponseHead() {
    parser_.body_limit(std::numeric_limits<std::uint64_t>::max());
    parser_.header_limit(64 * 1024);
    http::async_read_header(socket_, buffer_, parser_,
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) return self->WorkerBroke("reading the response: " +
                                                               ec.message());
                              self->OnResponseHead();
                            });
  }

  void OnResponseHead() {
    auto& res = parser_.get();
    HttpResponse head;
    head.status = static_cast<int>(res.result_int());
    for (const auto& f : res) {
      std::string name(f.name_string());
      std::string l = AsciiLower(name);
      if (l == "connection" || l == "keep-alive" || l == "transfer-encoding" ||
          l == "proxy-connection" || l == "trailer" || l == "upgrade")
        continue;
      head.headers.emplace_back(std::move(name), std::string(f.value()));
    }
    if (r_.decorate) r_.decorate(&head);
    head_written_ = true;
    r_.client->WriteHead(std::move(head), [self = shared_from_this()](const Status& s) {
      net::post(self->socket_.get_executor(), [self, s] {
        if (!s.ok()) return self->End(std::nullopt, s);
        self->Download();
      });
    });
  }

  // Worker body -> client, each piece as it arrives.
  void Download() {
    if (finished_) return;
    if (parser_.is_done()) return End(std::nullopt, Status::OK());
    http::async_read_some(socket_, buffer_, parser_,
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                            if (ec && !(ec == http::error::end_of_stream && self->parser_.is_done()))
                              return self->WorkerBroke("reading the response body: " +
                                                       ec.message());
                            std::string data = std::move(self->parser_.get().body());
                            self->parser_.get().body().clear();
                            if (data.empty()) return self->Download();
                            self->r_.client->WriteBody(std::move(data), [self](const Status& s) {
                              net::post(self->socket_.get_executor(), [self, s] {
                                if (!s.ok()) return self->End(std::nullopt, s);
                                self->Download();
                              });
                            });
                          });
  }

  void FailBeforeHead(const std::string& why) {
    spdlog::error("Streaming HTTP: invocation {}: {}", r_.invocation_id, why);
    End(EmptyResponse(r_.failure_status ? r_.failure_status() : 500), Status::IOError(why));
  }

  void WorkerBroke(const std::string& why) {
    if (finished_) return;
    if (!head_written_) return FailBeforeHead("the worker's endpoint failed " + why);
    spdlog::warn("Streaming HTTP: invocation {}: the worker's endpoint failed {}; closing the "
                 "client connection",
                 r_.invocation_id, why);
    End(std::nullopt, Status::IOError(why));
  }

  // Ends the exchange once: a whole answer (before the head), Finish (all
  // relayed) or Abort.
  void End(std::optional<HttpResponse> answer, const Status& s) {
    if (finished_) return;
    finished_ = true;
    if (answer) {
      if (r_.decorate) r_.decorate(&*answer);
      r_.client->Respond(std::move(*answer));
    } else if (s.ok()) {
      r_.client->Finish();
    } else {
      r_.client->Abort();
    }
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    if (r_.done) r_.done(s);
  }

  ProxyRequest r_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
  http::response_parser<http::string_body> parser_;
  bool upload_chunked_ = false;
  bool upload_done_ = false;
  bool head_written_ = false;
  bool finished_ = false;
};

}  // namespace

void StartHttpProxy(net::io_context& ioc, ProxyRequest request) {
  auto call = std::make_shared<HttpProxyCall>(ioc, std::move(request));
  net::post(call->socket_executor(), [call] { call->Start(); });
}

}  // namespace pyfn
