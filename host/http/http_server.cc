#include "host/http/http_server.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/version.hpp>
#include <spdlog/spdlog.h>

#include <array>
#include <optional>
#include <utility>

#include "host/common/text_encoding.h"
#include "host/http/response_head.h"

namespace pyfn {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {
// Each connection's socket, stream and timer run on the connection's strand,
// named by its concrete type: the type-erased any_io_executor would allocate
// and copy a polymorphic executor for every asynchronous operation.
using Strand = net::strand<net::io_context::executor_type>;
using Socket = tcp::socket::rebind_executor<Strand>::other;
using TcpStream = beast::basic_stream<tcp, Strand>;
using Timer = net::basic_waitable_timer<std::chrono::steady_clock,
                                        net::wait_traits<std::chrono::steady_clock>, Strand>;

constexpr auto kWriteTimeout = std::chrono::seconds(60);
// After an error answer sent before the request body was read (413, 408, a
// stream ended early): what the client still sends is read and dropped until
// it stops, for at most kLingerTimeout and kLingerBytes, and only then is the
// socket closed. Closing with unread bytes makes the kernel send a reset,
// which discards the answer on the client's side: a client that writes its
// whole body before reading (curl with a file, most libraries) would see
// "connection reset" instead of the 413. The bounds keep a client that never
// stops from holding the connection: 5 s is Kestrel's drain time, and 64 MiB
// is far above what arrives in that time from a client that reads answers.
constexpr auto kLingerTimeout = std::chrono::seconds(5);
constexpr size_t kLingerBytes = 64 * 1024 * 1024;

// What makes a request unusable for the protocol's string fields: "" when the
// target and every header value are UTF-8, else a sentence naming the part.
// Header names are tokens (ASCII), which Beast's parser already enforces.
template <class Request>
std::string NotUtf8Problem(const Request& req) {
  if (!IsValidUtf8(req.target())) return "the request target is not valid UTF-8";
  for (const auto& f : req)
    if (!IsValidUtf8(f.value()))
      return "the value of header '" + std::string(f.name_string()) + "' is not valid UTF-8";
  return {};
}
}  // namespace

class HttpServer::Session : public std::enable_shared_from_this<HttpServer::Session> {
 public:
  Session(Socket&& socket, HttpServer* server)
      : stream_(std::move(socket)), server_(server), timer_(stream_.get_executor()) {}

  void Start() {
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&Session::ReadHeader, shared_from_this()));
  }

 private:
  void ReadHeader() {
    parser_.emplace();
    parser_->header_limit(server_->options_.header_limit);
    parser_->body_limit(server_->options_.body_limit);
    if (buffer_.size() == 0) {
      // Idle keep-alive connection: wait for the first byte of the next
      // request; silence for keepalive_timeout closes it without an answer.
      ArmReadTimer(server_->options_.keepalive_timeout);
      stream_.async_read_some(
          buffer_.prepare(4096),
          [self = shared_from_this()](beast::error_code ec, std::size_t n) {
            if (ec) return self->Close();
            self->buffer_.commit(n);
            self->ReadHeaderBytes();
          });
      return;
    }
    ReadHeaderBytes();
  }

  // The request has started: the whole header must arrive within
  // headers_timeout (slow clients get 408 and the connection closes).
  void ReadHeaderBytes() {
    header_phase_ = true;
    ArmReadTimer(server_->options_.headers_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
  }

  void OnHeader(beast::error_code ec, std::size_t) {
    if (ec) return OnReadError(ec);
    header_phase_ = false;
    auto& req = parser_->get();
    version_ = req.version();
    if (static_cast<size_t>(std::distance(req.begin(), req.end())) >
        server_->options_.header_count_limit)
      return SendError(431, false);
    auto len = parser_->content_length();
    if (len && *len > server_->options_.body_limit) return SendError(413, false);
    if (!server_->draining_.load() && NotUtf8Problem(req).empty()) {
      HttpRequest head = MakeRequest(req);
      if (server_->handler_->WantsStream(head)) return StartStream(std::move(head));
    }
    auto expect = req[http::field::expect];
    if (!expect.empty() && beast::iequals(expect, "100-continue")) {
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_,
                                                                     req.version());
      stream_.expires_after(kWriteTimeout);
      http::async_write(stream_, *cont,
                        [self = shared_from_this(), cont](beast::error_code ec, std::size_t) {
                          if (ec) return self->Close();
                          self->ReadBody();
                        });
      return;
    }
    ReadBody();
  }

  // Reads the body piece by piece; each piece must come within body_timeout.
  void ReadBody() {
    if (parser_->is_done()) return OnRequest({}, 0);
    ArmReadTimer(server_->options_.body_timeout);
    http::async_read_some(stream_, buffer_, *parser_,
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                            if (ec) return self->OnReadError(ec);
                            self->ReadBody();
                          });
  }

  // Read deadlines use their own timer, not tcp_stream's expiry: that one
  // closes the socket, and a slow client must still get its 408. The timer
  // cancels the pending read; OnReadError sees operation_aborted + timed_out_.
  void ArmReadTimer(std::chrono::steady_clock::duration d) {
    stream_.expires_never();
    timed_out_ = false;
    timer_.expires_after(d);
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec) return;  // re-armed or disarmed
      self->timed_out_ = true;
      beast::error_code ignored;
      self->stream_.socket().cancel(ignored);
    });
  }

  void DisarmReadTimer() { timer_.cancel(); }

  void OnReadError(beast::error_code ec) {
    if (ec == net::error::operation_aborted && timed_out_) ec = beast::error::timeout;
    if (ec == http::error::end_of_stream || ec == net::error::eof ||
        ec == net::error::connection_reset || ec == net::error::operation_aborted)
      return Close();
    if (ec == beast::error::timeout) {
      // Mid-request (bytes received, no complete header): 408 then close.
      if (header_phase_ || (parser_ && parser_->got_some())) return SendError(408, false);
      return Close();
    }
    if (ec == http::error::body_limit) return SendError(413, false);
    if (ec == http::error::header_limit) return SendError(431, false);
    if (ec == http::error::partial_message) return Close();
    spdlog::debug("HTTP: bad request: {}", ec.message());
    SendError(400, false);
  }

  void OnRequest(beast::error_code ec, std::size_t) {
    if (ec) return OnReadError(ec);
    auto& req = parser_->get();
    keep_alive_ = req.keep_alive();
    is_head_ = req.method() == http::verb::head;
    version_ = req.version();
    if (server_->draining_.load()) {
      keep_alive_ = false;
      return SendError(503, false);
    }
    // Bytes that are not UTF-8 in the target or a header value cannot reach
    // the worker (protobuf strings); Kestrel answers 400 for them too.
    if (std::string problem = NotUtf8Problem(req); !problem.empty()) {
      spdlog::debug("HTTP: bad request: {}", problem);
      return SendError(400, false, "Bad Request: " + problem + "\n");
    }
    HttpRequest r = MakeRequest(req);
    r.body = std::move(req.body());
    DisarmReadTimer();
    stream_.expires_never();
    server_->active_.fetch_add(1);
    auto self = shared_from_this();
    server_->handler_->Handle(std::move(r), [self](HttpResponse resp) {
      net::post(self->stream_.get_executor(), [self, resp = std::move(resp)]() mutable {
        self->server_->active_.fetch_sub(1);
        self->Write(std::move(resp));
      });
    });
  }

  template <class Request>
  HttpRequest MakeRequest(const Request& req) const {
    HttpRequest r;
    r.method = std::string(req.method_string());
    r.SetTarget(std::string(req.target()));
    for (const auto& f : req) r.headers.emplace_back(std::string(f.name_string()),
                                                     std::string(f.value()));
    auto host = req[http::field::host];
    r.base_url = "http://" + (host.empty() ? "localhost:" + std::to_string(server_->port_)
                                           : std::string(host));
    return r;
  }

  // Streaming HTTP: the handler reads the body and writes the response
  // through a Stream (http_stream.h) on this connection.
  void StartStream(HttpRequest head);
  class Stream;
  friend class Stream;

  void SendError(int status, bool keep_alive, std::string text = {}) {
    keep_alive_ = keep_alive;
    linger_ = !keep_alive;
    HttpResponse r = EmptyResponse(status);
    if (!text.empty()) {
      r.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
      r.body = std::move(text);
    }
    Write(std::move(r));
  }

  // Writes the head (response_head.h) and the body in one gather write.
  void Write(HttpResponse resp) {
    DisarmReadTimer();
    if (server_->options_.on_response) server_->options_.on_response(resp.status);
    if (server_->draining_.load()) keep_alive_ = false;
    // 1xx, 204 and 304 answers have no body (RFC 9110); one given is dropped.
    const int s = resp.status;
    if ((s >= 100 && s < 200) || s == 204 || s == 304) resp.body.clear();
    WriteResponseHead(resp, version_ == 10 ? 10 : 11, keep_alive_, resp.body.size(), &head_);
    body_ = std::move(resp.body);
    if (is_head_) body_.clear();
    stream_.expires_after(kWriteTimeout);
    std::array<net::const_buffer, 2> buffers{net::buffer(head_), net::buffer(body_)};
    net::async_write(stream_, buffers,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       self->OnWrite(ec, !self->keep_alive_);
                     });
  }

  void OnWrite(beast::error_code ec, bool close) {
    if (ec) return Close();
    if (linger_) return LingerClose();
    if (close || !keep_alive_) return Close();
    is_head_ = false;
    ReadHeader();
  }

  // Also cancels the read timer: its pending wait holds a reference to the
  // session, which would otherwise stay in memory until the keep-alive
  // timeout after a client closed its connection.
  void Close() {
    timer_.cancel();
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.socket().close(ec);
  }

  // Half-close, then read and drop what the client still sends (within
  // kLingerTimeout and kLingerBytes) so closing does not reset the
  // connection before the client read the error answer.
  void LingerClose() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return Close();
    linger_deadline_ = std::chrono::steady_clock::now() + kLingerTimeout;
    DrainSome();
  }

  void DrainSome() {
    if (lingered_ >= kLingerBytes || std::chrono::steady_clock::now() >= linger_deadline_)
      return Close();
    stream_.expires_at(linger_deadline_);
    buffer_.consume(buffer_.size());
    stream_.async_read_some(buffer_.prepare(65536),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              if (ec) return self->Close();
                              self->lingered_ += n;
                              self->DrainSome();
                            });
  }

  TcpStream stream_;
  HttpServer* const server_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  bool keep_alive_ = true;
  bool is_head_ = false;
  Timer timer_;  // read deadlines (ArmReadTimer)
  bool timed_out_ = false;
  bool header_phase_ = false;
  bool linger_ = false;
  size_t lingered_ = 0;
  std::chrono::steady_clock::time_point linger_deadline_;
  unsigned version_ = 11;
  std::string head_;  // the response being written (Write)
  std::string body_;
  bool stream_chunked_ = false;  // a streamed response goes out chunked
};

// The connection of one streamed request. Every operation runs on the
// session's strand; `ended_` makes Finish/Respond/Abort count once.
class HttpServer::Session::Stream : public HttpStream {
 public:
  explicit Stream(std::shared_ptr<Session> s) : s_(std::move(s)) {}
  ~Stream() override {
    // Dropped without an end (a bug in the handler): close, count it done.
    if (!ended_) {
      auto s = s_;
      net::post(s->stream_.get_executor(), [s] {
        s->server_->active_.fetch_sub(1);
        s->Close();
      });
    }
  }

  void ReadBody(std::function<void(Status, std::string, bool)> done) override {
    auto s = s_;
    net::post(s->stream_.get_executor(), [s, done = std::move(done)]() mutable {
      ReadSome(s, std::move(done));
    });
  }

  void WriteHead(HttpResponse head, std::function<void(Status)> done) override {
    auto s = s_;
    net::post(s->stream_.get_executor(), [s, head = std::move(head),
                                          done = std::move(done)]() mutable {
      auto res = std::make_shared<http::response<http::empty_body>>();
      res->version(s->version_ ? s->version_ : 11);
      res->result(static_cast<unsigned>(head.status));
      bool has_length = false;
      for (auto& h : head.headers) {
        http::field f = http::string_to_field(h.first);
        if (f == http::field::transfer_encoding || f == http::field::connection) continue;
        if (f == http::field::content_length) has_length = true;
        if (f != http::field::unknown)
          res->insert(f, h.second);
        else
          res->insert(h.first, h.second);
      }
      bool no_body = head.status == 204 || head.status == 304 || head.status < 200;
      s->stream_chunked_ = !has_length && !no_body && !s->is_head_;
      if (s->stream_chunked_) res->chunked(true);
      if (s->server_->draining_.load()) s->keep_alive_ = false;
      res->keep_alive(s->keep_alive_);
      if (s->server_->options_.on_response) s->server_->options_.on_response(head.status);
      auto sr = std::make_shared<http::response_serializer<http::empty_body>>(*res);
      s->stream_.expires_after(kWriteTimeout);
      http::async_write_header(s->stream_, *sr,
                               [s, res, sr, done = std::move(done)](beast::error_code ec,
                                                                    std::size_t) {
                                 done(ec ? Status::IOError(ec.message()) : Status::OK());
                               });
    });
  }

  void WriteBody(std::string data, std::function<void(Status)> done) override {
    auto s = s_;
    net::post(s->stream_.get_executor(), [s, data = std::move(data),
                                          done = std::move(done)]() mutable {
      if (data.empty() || s->is_head_) return done(Status::OK());
      auto buf = std::make_shared<std::string>(std::move(data));
      auto cb = [s, buf, done = std::move(done)](beast::error_code ec, std::size_t) {
        done(ec ? Status::IOError(ec.message()) : Status::OK());
      };
      s->stream_.expires_after(kWriteTimeout);
      if (s->stream_chunked_)
        net::async_write(s->stream_, http::make_chunk(net::buffer(*buf)), std::move(cb));
      else
        net::async_write(s->stream_, net::buffer(*buf), std::move(cb));
    });
  }

  void Finish() override {
    if (ended_.exchange(true)) return;
    auto s = s_;
    net::post(s->stream_.get_executor(), [s] {
      s->server_->active_.fetch_sub(1);
      bool chunked = s->stream_chunked_;
      bool reuse = s->keep_alive_ && s->parser_ && s->parser_->is_done();
      if (!chunked) return reuse ? s->OnWrite({}, false) : s->Close();
      s->stream_.expires_after(kWriteTimeout);
      net::async_write(s->stream_, http::make_chunk_last(),
                       [s, reuse](beast::error_code ec, std::size_t) {
                         if (ec || !reuse) return s->Close();
                         s->OnWrite({}, false);
                       });
    });
  }

  void Respond(HttpResponse response) override {
    if (ended_.exchange(true)) return;
    auto s = s_;
    net::post(s->stream_.get_executor(), [s, response = std::move(response)]() mutable {
      s->server_->active_.fetch_sub(1);
      // The body may be unread: answer, then close (lingering, so the client
      // reads the answer).
      if (!(s->parser_ && s->parser_->is_done())) {
        s->keep_alive_ = false;
        s->linger_ = true;
        // A body read may be pending (the proxy's upload): end it first.
        beast::error_code ignored;
        s->stream_.socket().cancel(ignored);
      }
      s->Write(std::move(response));
    });
  }

  void Abort() override {
    if (ended_.exchange(true)) return;
    auto s = s_;
    net::post(s->stream_.get_executor(), [s] {
      s->server_->active_.fetch_sub(1);
      s->Close();
    });
  }

 private:
  static void ReadSome(const std::shared_ptr<Session>& s,
                       std::function<void(Status, std::string, bool)> done) {
    if (!s->parser_ || s->parser_->is_done()) return done(Status::OK(), {}, true);
    s->ArmReadTimer(s->server_->options_.body_timeout);
    http::async_read_some(
        s->stream_, s->buffer_, *s->parser_,
        [s, done = std::move(done)](beast::error_code ec, std::size_t) mutable {
          s->DisarmReadTimer();
          if (ec == net::error::operation_aborted && s->timed_out_) ec = beast::error::timeout;
          if (ec) {
            Status st = ec == http::error::body_limit
                            ? Status::InvalidArgument("the request body is larger than the limit")
                            : Status::IOError("reading the request body: " + ec.message());
            s->keep_alive_ = false;
            return done(st, {}, false);
          }
          std::string data = std::move(s->parser_->get().body());
          s->parser_->get().body().clear();
          bool last = s->parser_->is_done();
          if (data.empty() && !last) return ReadSome(s, std::move(done));
          done(Status::OK(), std::move(data), last);
        });
  }

  std::shared_ptr<Session> s_;
  std::atomic<bool> ended_{false};
};

void HttpServer::Session::StartStream(HttpRequest head) {
  auto& req = parser_->get();
  keep_alive_ = req.keep_alive();
  is_head_ = req.method() == http::verb::head;
  DisarmReadTimer();
  stream_.expires_never();
  // Beast reads at most what fits without growing the buffer: room for large
  // body pieces.
  buffer_.reserve(256 * 1024);
  server_->active_.fetch_add(1);
  auto stream = std::make_shared<Stream>(shared_from_this());
  auto expect = req[http::field::expect];
  if (!expect.empty() && beast::iequals(expect, "100-continue")) {
    // The client waits for this before it sends the body; the handler starts
    // once it is written (one write at a time).
    auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_,
                                                                   req.version());
    stream_.expires_after(kWriteTimeout);
    http::async_write(stream_, *cont,
                      [self = shared_from_this(), cont, stream, head = std::move(head)](
                          beast::error_code ec, std::size_t) mutable {
                        if (ec) return stream->Abort();
                        self->server_->handler_->HandleStream(std::move(head), std::move(stream));
                      });
    return;
  }
  server_->handler_->HandleStream(std::move(head), std::move(stream));
}

HttpServer::HttpServer(net::io_context& ioc, HttpHandler* handler, HttpServerOptions options)
    : ioc_(ioc),
      handler_(handler),
      options_(std::move(options)),
      acceptor_(net::make_strand(ioc)) {}

HttpServer::~HttpServer() = default;

Status HttpServer::Listen() {
  beast::error_code ec;
  auto try_bind = [&](const tcp::endpoint& ep, bool v6) {
    ec = {};
    beast::error_code ignored;
    acceptor_.close(ignored);
    acceptor_.open(ep.protocol(), ec);
    if (ec) return false;
    if (v6) acceptor_.set_option(net::ip::v6_only(false), ignored);
    acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (ec) return false;
    acceptor_.bind(ep, ec);
    if (ec) return false;
    acceptor_.listen(net::socket_base::max_listen_connections, ec);
    return !ec;
  };
  auto port = static_cast<unsigned short>(options_.port);
  if (!try_bind(tcp::endpoint(net::ip::address_v6::any(), port), true)) {
    beast::error_code v6_ec = ec;
    if (!try_bind(tcp::endpoint(net::ip::address_v4::any(), port), false))
      return Status::IOError("cannot listen on port " + std::to_string(options_.port) + ": " +
                             ec.message() + (v6_ec == ec ? "" : " (IPv6: " + v6_ec.message() + ")"));
  }
  port_ = acceptor_.local_endpoint(ec).port();
  DoAccept();
  return Status::OK();
}

void HttpServer::DoAccept() {
  acceptor_.async_accept(net::make_strand(ioc_), [this](beast::error_code ec, Socket socket) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec) {
      beast::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      std::make_shared<Session>(std::move(socket), this)->Start();
    } else {
      spdlog::warn("HTTP accept failed: {}", ec.message());
    }
    if (!draining_.load()) DoAccept();
  });
}

void HttpServer::StopAccepting() {
  draining_.store(true);
  net::post(acceptor_.get_executor(), [this] {
    beast::error_code ec;
    acceptor_.close(ec);
  });
}

}  // namespace pyfn
