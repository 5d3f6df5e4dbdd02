// BeastTransport against small servers run by the test: a raw HTTP/1.1
// server on loopback (optionally TLS with a certificate made here) whose
// per-connection handler scripts what the server does, so that the tests can
// see the exact bytes the transport sends and make the server misbehave.
#include "host/storage/beast_transport.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "host/common/thread_annotations.h"
#include "host/storage/encoding.h"

namespace pyfn {
namespace storage {
namespace {

namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using boost::system::error_code;

struct Request {
  std::string head;  // request line and headers, raw, up to and including the blank line
  std::string method, target;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  bool Has(const std::string& name) const { return headers.count(name) != 0; }
  std::string Get(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

std::string Reply(int status, const std::string& body, const std::string& extra = "") {
  return "HTTP/1.1 " + std::to_string(status) +
         " X\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" + extra + "\r\n" + body;
}

class TestServer;

// One accepted connection, driven by the server's handler on its own thread.
class Conn {
 public:
  Conn(TestServer* server, tcp::socket sock, ssl::context* tls);
  ~Conn() { Close(); }

  bool Handshake();  // TLS only
  // Reads one request (Content-Length bodies). False on EOF or error.
  bool ReadRequest(Request* r);
  bool Write(const std::string& s) {
    error_code ec;
    if (tls_) {
      net::write(*tls_, net::buffer(s), ec);
    } else {
      net::write(sock_, net::buffer(s), ec);
    }
    return !ec;
  }
  // Reads whatever arrives next (at least one byte), "" on EOF or error.
  std::string ReadAny() {
    char buf[4096];
    error_code ec;
    size_t n = ReadSome(buf, sizeof buf, ec);
    return ec ? std::string() : std::string(buf, n);
  }
  // Waits until the peer closes (or the server stops).
  void WaitForClose() {
    char c;
    error_code ec;
    while (!ec) ReadSome(&c, 1, ec);
  }
  void Close();
  // Answers CONNECT: then relays bytes to 127.0.0.1:port until either side closes.
  void Tunnel(uint16_t port);
  std::string sni;

 private:
  size_t ReadSome(char* buf, size_t n, error_code& ec) {
    return tls_ ? tls_->read_some(net::buffer(buf, n), ec)
                : sock_.read_some(net::buffer(buf, n), ec);
  }

  TestServer* server_;
  tcp::socket sock_;
  std::unique_ptr<ssl::stream<tcp::socket&>> tls_;
  std::string pending_;
  bool closed_ = false;
};

class TestServer {
 public:
  using Handler = std::function<void(Conn&, int index)>;
  explicit TestServer(Handler handler, ssl::context* tls = nullptr)
      : handler_(std::move(handler)), tls_(tls), acceptor_(ioc_) {
    tcp::endpoint ep(net::ip::make_address("127.0.0.1"), 0);
    acceptor_.open(ep.protocol());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind(ep);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    accept_thread_ = std::thread([this] { AcceptLoop(); });
  }
  ~TestServer() {
    stopping_ = true;
    {
      // Wake the blocking accept.
      error_code ec;
      tcp::socket s(ioc_);
      s.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port_), ec);
      accept_thread_.join();
    }
    {
      MutexLock lock(mu_);
      for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
    }
    for (auto& t : threads_) t.join();
  }
  uint16_t port() const { return port_; }
  int accepted() const { return accepted_.load(); }
  int requests() const { return requests_.load(); }

  // Bookkeeping for shutting down connections that still block in a read.
  void Register(int fd) {
    MutexLock lock(mu_);
    open_fds_.insert(fd);
  }
  void Unregister(int fd) {
    MutexLock lock(mu_);
    open_fds_.erase(fd);
  }
  void CountRequest() { ++requests_; }
  bool stopping() const { return stopping_.load(); }

 private:
  void AcceptLoop() {
    for (;;) {
      error_code ec;
      tcp::socket s(ioc_);
      acceptor_.accept(s, ec);
      if (stopping_) return;
      if (ec) continue;
      int index = accepted_++;
      auto conn = std::make_shared<Conn>(this, std::move(s), tls_);
      MutexLock lock(mu_);
      threads_.emplace_back([this, conn, index] {
        if (conn->Handshake()) handler_(*conn, index);
        conn->Close();
      });
    }
  }

  Handler handler_;
  ssl::context* tls_;
  net::io_context ioc_;
  tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> accepted_{0};
  std::atomic<int> requests_{0};
  std::thread accept_thread_;
  Mutex mu_;
  std::set<int> open_fds_ PYFN_GUARDED_BY(mu_);
  std::vector<std::thread> threads_ PYFN_GUARDED_BY(mu_);
};

Conn::Conn(TestServer* server, tcp::socket sock, ssl::context* tls)
    : server_(server), sock_(std::move(sock)) {
  server_->Register(sock_.native_handle());
  if (tls != nullptr) tls_ = std::make_unique<ssl::stream<tcp::socket&>>(sock_, *tls);
}

bool Conn::Handshake() {
  if (!tls_) return true;
  error_code ec;
  tls_->handshake(ssl::stream_base::server, ec);
  if (ec) return false;
  const char* name = SSL_get_servername(tls_->native_handle(), TLSEXT_NAMETYPE_host_name);
  sni = name != nullptr ? name : "";
  return true;
}

void Conn::Close() {
  if (closed_) return;
  closed_ = true;
  server_->Unregister(sock_.native_handle());
  error_code ec;
  sock_.shutdown(tcp::socket::shutdown_both, ec);
  sock_.close(ec);
}

bool Conn::ReadRequest(Request* r) {
  *r = Request();
  char buf[65536];
  size_t end;
  while ((end = pending_.find("\r\n\r\n")) == std::string::npos) {
    error_code ec;
    size_t n = ReadSome(buf, sizeof buf, ec);
    if (ec) return false;
    pending_.append(buf, n);
  }
  r->head = pending_.substr(0, end + 4);
  pending_.erase(0, end + 4);
  size_t line_end = r->head.find("\r\n");
  std::string line = r->head.substr(0, line_end);
  size_t sp1 = line.find(' '), sp2 = line.rfind(' ');
  r->method = line.substr(0, sp1);
  r->target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  size_t pos = line_end + 2;
  while (pos < r->head.size() - 2) {
    size_t e = r->head.find("\r\n", pos);
    std::string h = r->head.substr(pos, e - pos);
    pos = e + 2;
    size_t colon = h.find(':');
    std::string value = h.substr(colon + 1);
    if (!value.empty() && value[0] == ' ') value.erase(0, 1);
    r->headers[ToLower(h.substr(0, colon))] = value;
  }
  size_t len = r->Has("content-length") ? std::stoul(r->Get("content-length")) : 0;
  while (pending_.size() < len) {
    error_code ec;
    size_t n = ReadSome(buf, sizeof buf, ec);
    if (ec) return false;
    pending_.append(buf, n);
  }
  r->body = pending_.substr(0, len);
  pending_.erase(0, len);
  server_->CountRequest();
  return true;
}

void Conn::Tunnel(uint16_t port) {
  Write("HTTP/1.1 200 Connection established\r\n\r\n");
  net::io_context ioc;
  tcp::socket up(ioc);
  error_code ec;
  up.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
  if (ec) return;
  std::thread back([&] {
    char buf[65536];
    for (;;) {
      error_code e;
      size_t n = up.read_some(net::buffer(buf), e);
      if (e) break;
      net::write(sock_, net::buffer(buf, n), e);
      if (e) break;
    }
    error_code ignored;
    sock_.shutdown(tcp::socket::shutdown_both, ignored);
  });
  if (!pending_.empty()) net::write(up, net::buffer(pending_), ec);
  char buf[65536];
  for (;;) {
    error_code e;
    size_t n = sock_.read_some(net::buffer(buf), e);
    if (e) break;
    net::write(up, net::buffer(buf, n), e);
    if (e) break;
  }
  up.shutdown(tcp::socket::shutdown_both, ec);
  back.join();
}

// A server that answers every request on a connection, keeping it open.
TestServer::Handler Echo(std::function<std::string(const Request&)> answer) {
  return [answer](Conn& c, int) {
    Request r;
    while (c.ReadRequest(&r)) c.Write(answer(r));
  };
}

std::string Url(const TestServer& s, const std::string& path = "/",
                const std::string& host = "127.0.0.1", const std::string& scheme = "http") {
  return scheme + "://" + host + ":" + std::to_string(s.port()) + path;
}

HttpRequest Get(const std::string& url, const std::string& method = "GET") {
  HttpRequest r;
  r.method = method;
  r.url = url;
  return r;
}

TransportOptions NoProxy() {
  TransportOptions o;
  o.proxy_from_environment = false;
  return o;
}

// A port nothing listens on: bound, then closed.
uint16_t ClosedPort() {
  net::io_context ioc;
  tcp::acceptor a(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
  return a.local_endpoint().port();
}

TEST(BeastTransportTest, KeepAliveReusesOneConnection) {
  TestServer server(Echo([](const Request& r) { return Reply(200, "hi " + r.target); }));
  BeastTransport t(NoProxy());
  for (int i = 0; i < 20; ++i) {
    HttpResponse resp;
    Status s = t.Send(Get(Url(server, "/n/" + std::to_string(i))), &resp);
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(resp.status, 200);
    EXPECT_EQ(resp.body, "hi /n/" + std::to_string(i));
    EXPECT_EQ(resp.HeaderOr("content-length"), std::to_string(resp.body.size()));
  }
  EXPECT_EQ(t.requests_sent(), 20u);
  EXPECT_EQ(t.connections_opened(), 1u);
  EXPECT_EQ(server.accepted(), 1);
}

TEST(BeastTransportTest, WireFormatMatchesWhatSharedKeySigns) {
  Mutex mu;
  std::vector<Request> seen;
  TestServer server(Echo([&](const Request& r) {
    MutexLock lock(mu);
    seen.push_back(r);
    return Reply(201, "", "X-Ms-Request-Id: abc\r\nETag: \"0x1\"\r\n");
  }));
  BeastTransport t(NoProxy());
  HttpResponse resp;
  ASSERT_TRUE(t.Send(Get(Url(server, "/c/a%20b.txt?comp=list&x=1")), &resp).ok());
  EXPECT_EQ(resp.status, 201);
  EXPECT_EQ(resp.HeaderOr("x-ms-request-id"), "abc");
  EXPECT_EQ(resp.HeaderOr("etag"), "\"0x1\"");

  HttpRequest put = Get(Url(server, "/c/empty"), "PUT");
  put.headers = {{"x-ms-version", "2021-12-02"},
                 {"x-ms-meta-empty", ""},
                 {"Content-Length", "999"},  // framing is the transport's
                 {"Authorization", "SharedKey a:b"}};
  ASSERT_TRUE(t.Send(put, &resp).ok());

  HttpRequest post = Get(Url(server, "/q/messages"), "POST");
  post.body = "<QueueMessage/>";
  post.SetHeader("Content-Type", "application/xml");
  ASSERT_TRUE(t.Send(post, &resp).ok());

  ASSERT_TRUE(t.Send(Get(Url(server, "/c/x"), "DELETE"), &resp).ok());

  ASSERT_EQ(seen.size(), 4u);
  const std::string host = "127.0.0.1:" + std::to_string(server.port());
  EXPECT_EQ(seen[0].head, "GET /c/a%20b.txt?comp=list&x=1 HTTP/1.1\r\nHost: " + host +
                              "\r\nUser-Agent: pyfn-host\r\nAccept: */*\r\n\r\n");
  EXPECT_EQ(seen[1].head, "PUT /c/empty HTTP/1.1\r\nHost: " + host +
                              "\r\nUser-Agent: pyfn-host\r\nAccept: */*\r\n"
                              "x-ms-version: 2021-12-02\r\nx-ms-meta-empty:\r\n"
                              "Authorization: SharedKey a:b\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(seen[2].Get("content-length"), "15");
  EXPECT_EQ(seen[2].Get("content-type"), "application/xml");
  EXPECT_EQ(seen[2].body, "<QueueMessage/>");
  EXPECT_FALSE(seen[2].Has("expect"));
  EXPECT_FALSE(seen[3].Has("content-length"));
  EXPECT_FALSE(seen[3].Has("content-type"));
  EXPECT_EQ(t.connections_opened(), 1u);

  // A caller's own User-Agent wins; an empty option sends none.
  HttpRequest ua = Get(Url(server));
  ua.SetHeader("User-Agent", "custom/1");
  ASSERT_TRUE(t.Send(ua, &resp).ok());
  TransportOptions o = NoProxy();
  o.user_agent = "";
  BeastTransport bare(o);
  ASSERT_TRUE(bare.Send(Get(Url(server)), &resp).ok());
  MutexLock lock(mu);
  EXPECT_EQ(seen[4].Get("user-agent"), "custom/1");
  EXPECT_FALSE(seen[5].Has("user-agent"));
}

TEST(BeastTransportTest, HeaderInjectionIsRefused) {
  TestServer server(Echo([](const Request&) { return Reply(200, ""); }));
  BeastTransport t(NoProxy());
  HttpRequest r = Get(Url(server));
  r.headers.emplace_back("x-ms-meta-a", "v\r\nInjected: 1");
  HttpResponse resp;
  Status s = t.Send(r, &resp);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_EQ(server.accepted(), 0);
}

TEST(BeastTransportTest, IdleConnectionClosedByServerIsReplaced) {
  // The server answers one request per connection, then closes it.
  TestServer server([](Conn& c, int) {
    Request r;
    if (c.ReadRequest(&r)) c.Write(Reply(200, "one"));
  });
  BeastTransport t(NoProxy());
  for (int i = 0; i < 3; ++i) {
    HttpResponse resp;
    if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));  // let the FIN arrive
    Status s = t.Send(Get(Url(server)), &resp);
    ASSERT_TRUE(s.ok()) << i << ": " << s.ToString();
    EXPECT_EQ(resp.body, "one");
  }
  EXPECT_EQ(t.connections_opened(), 3u);
  EXPECT_EQ(server.accepted(), 3);
}

TEST(BeastTransportTest, StaleConnectionIsRetriedOnceOnAFreshOne) {
  // Connection 0 answers the first request, then reads the second and closes
  // without an answer: the close races with the request, as when a server's
  // keep-alive timeout strikes just as the client reuses the connection.
  TestServer server([](Conn& c, int index) {
    Request r;
    if (!c.ReadRequest(&r)) return;
    if (index == 0) {
      c.Write(Reply(200, "first"));
      c.ReadRequest(&r);
      return;  // closes
    }
    c.Write(Reply(200, "fresh " + r.body));
    while (c.ReadRequest(&r)) c.Write(Reply(200, "fresh " + r.body));
  });
  BeastTransport t(NoProxy());
  HttpResponse resp;
  ASSERT_TRUE(t.Send(Get(Url(server)), &resp).ok());
  EXPECT_EQ(resp.body, "first");
  HttpRequest put = Get(Url(server), "PUT");
  put.body = "payload";
  Status s = t.Send(put, &resp);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(resp.body, "fresh payload");
  EXPECT_EQ(t.connections_opened(), 2u);
  EXPECT_EQ(t.requests_sent(), 2u);
  EXPECT_EQ(server.requests(), 3);
}

TEST(BeastTransportTest, FreshConnectionClosedWithoutAnswerIsANetworkError) {
  TestServer server([](Conn& c, int) {
    Request r;
    c.ReadRequest(&r);
  });
  BeastTransport t(NoProxy());
  HttpResponse resp;
  Status s = t.Send(Get(Url(server, "/x")), &resp);
  EXPECT_TRUE(s.IsNetworkError()) << s.ToString();
  EXPECT_EQ(s.message(), "GET 127.0.0.1:" + std::to_string(server.port()) +
                             ": connection closed before an answer");
  EXPECT_EQ(t.connections_opened(), 1u);  // no retry on a fresh connection
  EXPECT_EQ(resp.status, 0);
}

TEST(BeastTransportTest, ConnectionRefusedNamesHostAndPort) {
  uint16_t port = ClosedPort();
  BeastTransport t(NoProxy());
  HttpResponse resp;
  Status s = t.Send(Get("http://127.0.0.1:" + std::to_string(port) + "/q/messages", "POST"), &resp);
  EXPECT_TRUE(s.IsNetworkError()) << s.ToString();
  EXPECT_TRUE(s.IsTransient());
  EXPECT_EQ(s.message(), "connect to 127.0.0.1:" + std::to_string(port) + ": connection refused");
  EXPECT_EQ(t.connections_opened(), 0u);
  EXPECT_EQ(t.requests_sent(), 1u);
}

TEST(BeastTransportTest, ServerThatNeverAnswersTimesOut) {
  TestServer server([](Conn& c, int) {
    Request r;
    if (c.ReadRequest(&r)) c.WaitForClose();
  });
  TransportOptions o = NoProxy();
  o.request_timeout = std::chrono::milliseconds(300);
  BeastTransport t(o);
  HttpResponse resp;
  auto t0 = std::chrono::steady_clock::now();
  Status s = t.Send(Get(Url(server)), &resp);
  auto elapsed = std::chrono::steady_clock::now() - t0;
  EXPECT_TRUE(s.IsNetworkError()) << s.ToString();
  EXPECT_EQ(s.message(),
            "GET 127.0.0.1:" + std::to_string(server.port()) + ": timed out after 300 ms");
  EXPECT_GE(elapsed, std::chrono::milliseconds(290));
  EXPECT_LT(elapsed, std::chrono::milliseconds(3000));
  // The timed-out connection is not reused.
  s = t.Send(Get(Url(server)), &resp);
  EXPECT_TRUE(s.IsNetworkError());
  EXPECT_EQ(t.connections_opened(), 2u);
}

TEST(BeastTransportTest, ConnectTimeoutNamesHostAndPort) {
  // A listener that never accepts, its accept queue filled: Linux drops
  // further SYNs, so a connect hangs (no routable black hole is needed).
  int lfd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(lfd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(lfd, 0), 0);
  socklen_t len = sizeof addr;
  ::getsockname(lfd, reinterpret_cast<sockaddr*>(&addr), &len);
  const uint16_t port = ntohs(addr.sin_port);
  std::vector<int> fillers;
  bool full = false;
  for (int i = 0; i < 16 && !full; ++i) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    fillers.push_back(fd);
    ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    pollfd p{fd, POLLOUT, 0};
    full = ::poll(&p, 1, 200) == 0;  // this one hangs: the queue is full
  }
  if (full) {
    TransportOptions o = NoProxy();
    o.connect_timeout = std::chrono::milliseconds(300);
    BeastTransport t(o);
    HttpResponse resp;
    auto t0 = std::chrono::steady_clock::now();
    Status s = t.Send(Get("http://127.0.0.1:" + std::to_string(port) + "/"), &resp);
    auto elapsed = std::chrono::steady_clock::now() - t0;
    EXPECT_TRUE(s.IsNetworkError()) << s.ToString();
    EXPECT_EQ(s.message(),
              "connect to 127.0.0.1:" + std::to_string(port) + ": timed out after 300 ms");
    EXPECT_GE(elapsed, std::chrono::milliseconds(290));
    EXPECT_LT(elapsed, std::chrono::milliseconds(3000));
    EXPECT_EQ(t.connections_opened(), 0u);
  }
  for (int fd : fillers) ::close(fd);
  ::close(lfd);
  if (!full) GTEST_SKIP() << "could not fill the accept queue of a loopback listener";
}

TEST(BeastTransportTest, SlowHeadersCountAgainstTheWholeRequest) {
  // Dribbles one header byte every 50 ms: each read makes progress, but the
  // request as a whole must still end at request_timeout.
  TestServer server([](Conn& c, int) {
    Request r;
    if (!c.ReadRequest(&r)) return;
    std::string answer = Reply(200, "late");
    for (char ch : answer) {
      if (!c.Write(std::string(1, ch))) break;  // the client has gone
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  TransportOptions o = NoProxy();
  o.request_timeout = std::chrono::milliseconds(400);
  BeastTransport t(o);
  HttpResponse resp;
  auto t0 = std::chrono::steady_clock::now();
  Status s = t.Send(Get(Url(server)), &resp);
  EXPECT_TRUE(s.IsNetworkError()) << s.ToString();
  EXPECT_NE(s.message().find("timed out after 400 ms"), std::string::npos) << s.message();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(2000));
}

TEST(BeastTransportTest, ChunkedResponse) {
  TestServer server(Echo([](const Request& r) {
    if (r.target == "/plain") return Reply(200, "after");
    return std::string(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/xml\r\n\r\n"
        "5\r\n<List\r\n"
        "1;ext=1\r\n>\r\n"
        "10\r\n0123456789abcdef\r\n"
        "7\r\n</List>\r\n"
        "0\r\nX-Trailer: t\r\n\r\n");
  }));
  BeastTransport t(NoProxy());
  HttpResponse resp;
  Status s = t.Send(Get(Url(server, "/chunked")), &resp);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(resp.status, 200);
  EXPECT_EQ(resp.body, "<List>0123456789abcdef</List>");
  EXPECT_EQ(resp.HeaderOr("content-type"), "application/xml");
  // The connection is reusable after the last chunk.
  ASSERT_TRUE(t.Send(Get(Url(server, "/plain")), &resp).ok());
  EXPECT_EQ(resp.body, "after");
  EXPECT_EQ(t.connections_opened(), 1u);
}

TEST(BeastTransportTest, LargeBodiesRoundTrip) {
  std::string data(8 * 1024 * 1024, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>((i * 2654435761u) >> 13);
  TestServer server(Echo([](const Request& r) {
    if (r.target == "/chunked") {
      // The body back in 1 MiB chunks.
      std::string out = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
      for (size_t off = 0; off < r.body.size(); off += 1 << 20) {
        std::string part = r.body.substr(off, 1 << 20);
        char size[32];
        std::snprintf(size, sizeof size, "%zx\r\n", part.size());
        out += size + part + "\r\n";
      }
      return out + "0\r\n\r\n";
    }
    return Reply(201, r.body);
  }));
  BeastTransport t(NoProxy());
  for (const char* path : {"/blob", "/chunked"}) {
    HttpRequest put = Get(Url(server, path), "PUT");
    put.body = data;
    HttpResponse resp;
    Status s = t.Send(put, &resp);
    ASSERT_TRUE(s.ok()) << path << ": " << s.ToString();
    EXPECT_EQ(resp.body.size(), data.size()) << path;
    EXPECT_TRUE(resp.body == data) << path;
  }
  EXPECT_EQ(t.connections_opened(), 1u);
}

TEST(BeastTransportTest, HeadAnswerHasNoBody) {
  Mutex mu;
  std::vector<std::string> methods;
  TestServer server(Echo([&](const Request& r) {
    MutexLock lock(mu);
    methods.push_back(r.method);
    if (r.method == "HEAD") {
      // Content-Length of the blob, but no body follows.
      return std::string(
          "HTTP/1.1 200 OK\r\nContent-Length: 12345\r\nx-ms-blob-type: BlockBlob\r\n\r\n");
    }
    return Reply(200, "body");
  }));
  BeastTransport t(NoProxy());
  HttpResponse resp;
  Status s = t.Send(Get(Url(server), "HEAD"), &resp);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(resp.status, 200);
  EXPECT_EQ(resp.body, "");
  EXPECT_EQ(resp.HeaderOr("content-length"), "12345");
  EXPECT_EQ(resp.HeaderOr("x-ms-blob-type"), "BlockBlob");
  ASSERT_TRUE(t.Send(Get(Url(server)), &resp).ok());
  EXPECT_EQ(resp.body, "body");
  EXPECT_EQ(t.connections_opened(), 1u);
  MutexLock lock(mu);
  EXPECT_EQ(methods, (std::vector<std::string>{"HEAD", "GET"}));
}

TEST(BeastTransportTest, NoContentAndNotModifiedAndInterimAnswers) {
  TestServer server(Echo([](const Request& r) {
    if (r.target == "/204")
      return std::string("HTTP/1.1 204 No Content\r\nx-ms-request-id: 1\r\n\r\n");
    if (r.target == "/304") return std::string("HTTP/1.1 304 Not Modified\r\nETag: \"e\"\r\n\r\n");
    return std::string(
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok");
  }));
  BeastTransport t(NoProxy());
  HttpResponse resp;
  ASSERT_TRUE(t.Send(Get(Url(server, "/204"), "DELETE"), &resp).ok());
  EXPECT_EQ(resp.status, 204);
  EXPECT_EQ(resp.body, "");
  EXPECT_EQ(resp.HeaderOr("x-ms-request-id"), "1");
  ASSERT_TRUE(t.Send(Get(Url(server, "/304")), &resp).ok());
  EXPECT_EQ(resp.status, 304);
  EXPECT_EQ(resp.HeaderOr("etag"), "\"e\"");
  ASSERT_TRUE(t.Send(Get(Url(server, "/100")), &resp).ok());
  EXPECT_EQ(resp.status, 201);
  EXPECT_EQ(resp.body, "ok");
  EXPECT_EQ(resp.Header("expect"), nullptr);
  EXPECT_EQ(t.connections_opened(), 1u);
}

TEST(BeastTransportTest, BodyUntilCloseIsReadAndTheConnectionDropped) {
  TestServer server([](Conn& c, int) {
    Request r;
    if (c.ReadRequest(&r)) c.Write("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end");
  });
  BeastTransport t(NoProxy());
  HttpResponse resp;
  for (int i = 0; i < 2; ++i) {
    Status s = t.Send(Get(Url(server)), &resp);
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(resp.body, "until the end");
  }
  EXPECT_EQ(t.connections_opened(), 2u);
}

TEST(BeastTransportTest, ErrorAnswersAreOkWithTheirStatus) {
  TestServer server(Echo([](const Request&) {
    return Reply(404, "<Error><Code>BlobNotFound</Code></Error>",
                 "x-ms-error-code: BlobNotFound\r\n");
  }));
  BeastTransport t(NoProxy());
  HttpResponse resp;
  ASSERT_TRUE(t.Send(Get(Url(server)), &resp).ok());
  EXPECT_EQ(resp.status, 404);
  EXPECT_EQ(resp.HeaderOr("x-ms-error-code"), "BlobNotFound");
}

TEST(BeastTransportTest, MalformedAnswerIsANetworkError) {
  TestServer server([](Conn& c, int) {
    Request r;
    if (c.ReadRequest(&r)) c.Write("SSH-2.0-OpenSSH_9.2\r\n\r\n");
  });
  BeastTransport t(NoProxy());
  HttpResponse resp;
  Status s = t.Send(Get(Url(server)), &resp);
  EXPECT_TRUE(s.IsNetworkError()) << s.ToString();
  EXPECT_NE(s.message().find("malformed answer"), std::string::npos) << s.message();
}

TEST(BeastTransportTest, ConcurrentSendsEachGetAConnection) {
  TestServer server(Echo([](const Request& r) { return Reply(200, r.body); }));
  TransportOptions o = NoProxy();
  o.max_idle_connections = 8;
  BeastTransport t(o);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      for (int j = 0; j < 50; ++j) {
        HttpRequest r = Get(Url(server), "PUT");
        r.body = std::to_string(i) + "/" + std::to_string(j);
        HttpResponse resp;
        if (!t.Send(r, &resp).ok() || resp.body != r.body) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(t.requests_sent(), 400u);
  EXPECT_LE(t.connections_opened(), 8u);
}

TEST(BeastTransportTest, MaxIdleConnectionsZeroDisablesReuse) {
  TestServer server(Echo([](const Request&) { return Reply(200, "x"); }));
  TransportOptions o = NoProxy();
  o.max_idle_connections = 0;
  BeastTransport t(o);
  HttpResponse resp;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(t.Send(Get(Url(server)), &resp).ok());
  EXPECT_EQ(t.connections_opened(), 3u);
}

TEST(BeastTransportTest, PoolIsPerEndpoint) {
  TestServer a(Echo([](const Request&) { return Reply(200, "a"); }));
  TestServer b(Echo([](const Request&) { return Reply(200, "b"); }));
  BeastTransport t(NoProxy());
  HttpResponse resp;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(t.Send(Get(Url(a)), &resp).ok());
    EXPECT_EQ(resp.body, "a");
    ASSERT_TRUE(t.Send(Get(Url(b)), &resp).ok());
    EXPECT_EQ(resp.body, "b");
  }
  ASSERT_TRUE(t.Send(Get(Url(a, "/", "localhost")), &resp).ok());  // another host name
  EXPECT_EQ(t.connections_opened(), 3u);
}

TEST(BeastTransportTest, BadUrlsAreNetworkErrorsThatDoNotQuoteTheUrl) {
  BeastTransport t(NoProxy());
  HttpResponse resp;
  for (const char* url :
       {"ftp://host/x?sig=SECRET", "no-scheme/x?sig=SECRET", "http:///x?sig=SECRET",
        "http://host:99999/?sig=SECRET", "http://[::1/x?sig=SECRET", "http://user:SECRET@host/"}) {
    Status s = t.Send(Get(url), &resp);
    EXPECT_TRUE(s.IsNetworkError()) << url << ": " << s.ToString();
    EXPECT_EQ(s.message().find("SECRET"), std::string::npos) << s.message();
  }
}

TEST(BeastTransportTest, UnknownHostIsANetworkError) {
  TransportOptions o = NoProxy();
  o.connect_timeout = std::chrono::milliseconds(3000);
  BeastTransport t(o);
  HttpResponse resp;
  Status s = t.Send(Get("http://nohost.invalid/x"), &resp);
  EXPECT_TRUE(s.IsNetworkError()) << s.ToString();
  EXPECT_EQ(s.message().rfind("resolve nohost.invalid: ", 0), 0u) << s.message();
}

// --- TLS ---------------------------------------------------------------------

struct TestCert {
  std::string cert_pem, key_pem;
};

TestCert MakeSelfSignedCert(const std::string& subject_alt_names) {
  EVP_PKEY_CTX* kctx = EVP_PKEY_CTX_new_id(EVP_PKEY_EC, nullptr);
  EVP_PKEY_keygen_init(kctx);
  EVP_PKEY_CTX_set_ec_paramgen_curve_nid(kctx, NID_X9_62_prime256v1);
  EVP_PKEY* key = nullptr;
  EVP_PKEY_keygen(kctx, &key);
  EVP_PKEY_CTX_free(kctx);
  X509* x = X509_new();
  static int serial = 1;
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
  X509_gmtime_adj(X509_getm_notBefore(x), -3600);
  X509_gmtime_adj(X509_getm_notAfter(x), 86400);
  X509_set_pubkey(x, key);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("pyfn test"), -1, -1, 0);
  X509_set_issuer_name(x, name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
  const std::pair<int, std::string> exts[] = {
      {NID_subject_alt_name, subject_alt_names},
      {NID_basic_constraints, "critical,CA:TRUE"},
      {NID_key_usage, "critical,digitalSignature,keyCertSign"}};
  for (const auto& e : exts) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, e.first, e.second.c_str());
    X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
  }
  X509_sign(x, key, EVP_sha256());
  TestCert out;
  BIO* b = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(b, x);
  char* data = nullptr;
  long n = BIO_get_mem_data(b, &data);
  out.cert_pem.assign(data, n);
  BIO_free(b);
  b = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr);
  n = BIO_get_mem_data(b, &data);
  out.key_pem.assign(data, n);
  BIO_free(b);
  X509_free(x);
  EVP_PKEY_free(key);
  return out;
}

std::unique_ptr<ssl::context> ServerContext(const TestCert& cert) {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
  ctx->use_certificate_chain(net::buffer(cert.cert_pem));
  ctx->use_private_key(net::buffer(cert.key_pem), ssl::context::pem);
  return ctx;
}

// Sets (or, with nullptr, unsets) an environment variable for a scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    const char* old = std::getenv(name);
    if (old != nullptr) old_ = old;
    if (value != nullptr) {
      setenv(name, value, 1);
    } else {
      unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_.c_str(), old_->c_str(), 1);
    } else {
      unsetenv(name_.c_str());
    }
  }

 private:
  std::string name_;
  std::optional<std::string> old_;
};

// The CA store the transport loads: only the given certificate.
std::string WriteCaFile(const TestCert& cert, const std::string& name) {
  std::string path =
      ::testing::TempDir() + "/pyfn-beast-test-" + name + "-" + std::to_string(::getpid()) + ".pem";
  FILE* f = std::fopen(path.c_str(), "w");
  std::fwrite(cert.cert_pem.data(), 1, cert.cert_pem.size(), f);
  std::fclose(f);
  return path;
}

TEST(BeastTransportTest, HttpsWithSniAndHostnameVerification) {
  TestCert cert = MakeSelfSignedCert("DNS:localhost,IP:127.0.0.1");
  auto ctx = ServerContext(cert);
  Mutex mu;
  std::vector<std::string> snis;
  TestServer server(
      [&](Conn& c, int) {
        {
          MutexLock lock(mu);
          snis.push_back(c.sni);
        }
        Request r;
        while (c.ReadRequest(&r)) c.Write(Reply(200, "tls " + r.method + " " + r.body));
      },
      ctx.get());
  const std::string ca = WriteCaFile(cert, "ok");
  ScopedEnv env("SSL_CERT_FILE", ca.c_str());
  BeastTransport t(NoProxy());
  HttpResponse resp;
  for (int i = 0; i < 3; ++i) {
    HttpRequest put = Get(Url(server, "/c/b", "localhost", "https"), "PUT");
    // Small (one TLS record with the head) and large (several writes).
    put.body = std::string(i == 1 ? 100 : 3 * 1024 * 1024, 'z');
    Status s = t.Send(put, &resp);
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(resp.body, "tls PUT " + put.body);
  }
  ASSERT_TRUE(t.Send(Get(Url(server, "/", "localhost", "https"), "HEAD"), &resp).ok());
  EXPECT_EQ(resp.body, "");
  EXPECT_EQ(t.connections_opened(), 1u);
  // An IP address is checked against the certificate's IP names; no SNI.
  ASSERT_TRUE(t.Send(Get(Url(server, "/", "127.0.0.1", "https")), &resp).ok());
  EXPECT_EQ(t.connections_opened(), 2u);
  MutexLock lock(mu);
  EXPECT_EQ(snis, (std::vector<std::string>{"localhost", ""}));
  std::remove(ca.c_str());
}

TEST(BeastTransportTest, HttpsHostnameMismatchIsATlsError) {
  TestCert cert = MakeSelfSignedCert("DNS:other.example");
  auto ctx = ServerContext(cert);
  TestServer server(Echo([](const Request&) { return Reply(200, "x"); }), ctx.get());
  const std::string ca = WriteCaFile(cert, "mismatch");
  ScopedEnv env("SSL_CERT_FILE", ca.c_str());
  BeastTransport t(NoProxy());
  HttpResponse resp;
  Status s = t.Send(Get(Url(server, "/", "localhost", "https")), &resp);
  EXPECT_TRUE(s.IsNetworkError()) << s.ToString();
  EXPECT_EQ(s.message(), "TLS handshake with localhost:" + std::to_string(server.port()) +
                             ": certificate verify failed (hostname mismatch)");
  s = t.Send(Get(Url(server, "/", "127.0.0.1", "https")), &resp);
  EXPECT_TRUE(s.IsNetworkError()) << s.ToString();
  EXPECT_NE(s.message().find("IP address mismatch"), std::string::npos) << s.message();
  std::remove(ca.c_str());
}

TEST(BeastTransportTest, HttpsUntrustedCertificateIsATlsError) {
  TestCert cert = MakeSelfSignedCert("DNS:localhost");
  TestCert other = MakeSelfSignedCert("DNS:localhost");
  auto ctx = ServerContext(cert);
  TestServer server(Echo([](const Request&) { return Reply(200, "x"); }), ctx.get());
  const std::string ca = WriteCaFile(other, "untrusted");
  ScopedEnv env("SSL_CERT_FILE", ca.c_str());
  BeastTransport t(NoProxy());
  HttpResponse resp;
  Status s = t.Send(Get(Url(server, "/", "localhost", "https")), &resp);
  EXPECT_TRUE(s.IsNetworkError()) << s.ToString();
  EXPECT_EQ(s.message().rfind("TLS handshake with localhost:" + std::to_string(server.port()) +
                                  ": certificate verify failed (",
                              0),
            0u)
      << s.message();
  std::remove(ca.c_str());
}

TEST(BeastTransportTest, HttpsToAPlainServerIsATlsError) {
  // As an HTTP server does with a ClientHello: a 400, and close.
  TestServer server([](Conn& c, int) {
    if (!c.ReadAny().empty()) c.Write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
  });
  BeastTransport t(NoProxy());
  HttpResponse resp;
  Status s = t.Send(Get(Url(server, "/", "127.0.0.1", "https")), &resp);
  EXPECT_TRUE(s.IsNetworkError()) << s.ToString();
  EXPECT_EQ(
      s.message().rfind("TLS handshake with 127.0.0.1:" + std::to_string(server.port()) + ": ", 0),
      0u)
      << s.message();
}

// --- proxies -------------------------------------------------------------------

TEST(BeastTransportTest, ProxyForFollowsNoProxy) {
  BeastTransport::ProxyConfig c;
  c.http_proxy = "http://proxy:3128";
  c.https_proxy = "http://sproxy:3128";
  EXPECT_EQ(BeastTransport::ProxyFor(c, "http", "acct.blob.core.windows.net"), "http://proxy:3128");
  EXPECT_EQ(BeastTransport::ProxyFor(c, "https", "acct.blob.core.windows.net"),
            "http://sproxy:3128");
  // Loopback never goes through a proxy.
  EXPECT_EQ(BeastTransport::ProxyFor(c, "http", "127.0.0.1"), "");
  EXPECT_EQ(BeastTransport::ProxyFor(c, "http", "::1"), "");
  EXPECT_EQ(BeastTransport::ProxyFor(c, "http", "localhost"), "");
  c.no_proxy = " .core.windows.net, azurite ,10.0.0.0/8,[fd00::1]";
  EXPECT_EQ(BeastTransport::ProxyFor(c, "https", "acct.blob.core.windows.net"), "");
  EXPECT_EQ(BeastTransport::ProxyFor(c, "https", "core.windows.net"), "");
  EXPECT_EQ(BeastTransport::ProxyFor(c, "https", "xcore.windows.net"), "http://sproxy:3128");
  EXPECT_EQ(BeastTransport::ProxyFor(c, "http", "AZURITE"), "");
  EXPECT_EQ(BeastTransport::ProxyFor(c, "http", "azurite.example"), "http://proxy:3128");
  EXPECT_EQ(BeastTransport::ProxyFor(c, "http", "10.1.2.3"), "");
  EXPECT_EQ(BeastTransport::ProxyFor(c, "http", "11.1.2.3"), "http://proxy:3128");
  EXPECT_EQ(BeastTransport::ProxyFor(c, "http", "fd00::1"), "");
  c.no_proxy = "*";
  EXPECT_EQ(BeastTransport::ProxyFor(c, "https", "anything"), "");
}

TEST(BeastTransportTest, HttpGoesThroughTheProxyInAbsoluteForm) {
  Mutex mu;
  std::vector<Request> seen;
  TestServer proxy(Echo([&](const Request& r) {
    MutexLock lock(mu);
    seen.push_back(r);
    return Reply(200, "proxied");
  }));
  const std::string proxy_url = "http://user:p%20w@127.0.0.1:" + std::to_string(proxy.port());
  ScopedEnv e1("http_proxy", proxy_url.c_str());
  ScopedEnv e2("no_proxy", nullptr);
  ScopedEnv e3("NO_PROXY", nullptr);
  BeastTransport t;  // proxies from the environment
  HttpResponse resp;
  for (int i = 0; i < 2; ++i) {
    Status s = t.Send(Get("http://storage.test:8080/c/b?comp=list"), &resp);
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(resp.body, "proxied");
  }
  EXPECT_EQ(t.connections_opened(), 1u);
  MutexLock lock(mu);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].target, "http://storage.test:8080/c/b?comp=list");
  EXPECT_EQ(seen[0].Get("host"), "storage.test:8080");
  EXPECT_EQ(seen[0].Get("proxy-authorization"), "Basic " + Base64Encode("user:p w"));
}

TEST(BeastTransportTest, HttpsTunnelsThroughTheProxyWithConnect) {
  TestCert cert = MakeSelfSignedCert("DNS:tls.test");
  auto ctx = ServerContext(cert);
  Mutex mu;
  std::string sni, connect_line;
  TestServer origin(
      [&](Conn& c, int) {
        {
          MutexLock lock(mu);
          sni = c.sni;
        }
        Request r;
        while (c.ReadRequest(&r)) c.Write(Reply(200, "origin " + r.target));
      },
      ctx.get());
  TestServer proxy([&](Conn& c, int) {
    Request r;
    if (!c.ReadRequest(&r)) return;
    {
      MutexLock lock(mu);
      connect_line = r.method + " " + r.target + " " + r.Get("host");
    }
    if (r.method != "CONNECT") return;
    c.Tunnel(origin.port());
  });
  const std::string ca = WriteCaFile(cert, "tunnel");
  ScopedEnv e0("SSL_CERT_FILE", ca.c_str());
  const std::string proxy_url = "127.0.0.1:" + std::to_string(proxy.port());  // no scheme
  ScopedEnv e1("https_proxy", proxy_url.c_str());
  ScopedEnv e2("no_proxy", "example.org");
  ScopedEnv e3("NO_PROXY", nullptr);
  BeastTransport t;
  HttpResponse resp;
  for (int i = 0; i < 2; ++i) {
    Status s = t.Send(Get("https://tls.test:" + std::to_string(origin.port()) + "/x?y=1"), &resp);
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(resp.body, "origin /x?y=1");  // origin-form inside the tunnel
  }
  EXPECT_EQ(t.connections_opened(), 1u);
  const std::string hp = "tls.test:" + std::to_string(origin.port());
  MutexLock lock(mu);
  EXPECT_EQ(connect_line, "CONNECT " + hp + " " + hp);
  EXPECT_EQ(sni, "tls.test");
  std::remove(ca.c_str());
}

TEST(BeastTransportTest, ProxyRefusingConnectIsANetworkError) {
  TestServer proxy(
      Echo([](const Request&) { return Reply(407, "", "Proxy-Authenticate: Basic\r\n"); }));
  const std::string proxy_url = "http://127.0.0.1:" + std::to_string(proxy.port());
  ScopedEnv e1("https_proxy", proxy_url.c_str());
  ScopedEnv e2("no_proxy", nullptr);
  ScopedEnv e3("NO_PROXY", nullptr);
  BeastTransport t;
  HttpResponse resp;
  Status s = t.Send(Get("https://tls.test/x"), &resp);
  EXPECT_TRUE(s.IsNetworkError()) << s.ToString();
  EXPECT_EQ(s.message(), "proxy 127.0.0.1:" + std::to_string(proxy.port()) +
                             " refused CONNECT to tls.test:443: 407 X");
}

}  // namespace
}  // namespace storage
}  // namespace pyfn
