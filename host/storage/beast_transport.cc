#include "host/storage/beast_transport.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>

#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <list>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "host/common/thread_annotations.h"
#include "host/storage/encoding.h"

namespace pyfn {
namespace storage {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

// Azure answers with a few KiB of headers; metadata can add up to 8 KiB more.
constexpr std::uint32_t kHeaderLimit = 1024 * 1024;

std::string LowerFirst(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

std::string Ms(std::chrono::milliseconds d) { return std::to_string(d.count()) + " ms"; }

bool IsIpLiteral(const std::string& host) {
  boost::system::error_code ec;
  net::ip::make_address(host, ec);
  return !ec;
}

// host:port for messages and Host headers; IPv6 literals in brackets.
std::string JoinHostPort(const std::string& host, uint16_t port) {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return h + ":" + std::to_string(port);
}

bool IsLoopback(const std::string& host) {
  if (host == "localhost" ||
      (host.size() > 10 && host.compare(host.size() - 10, 10, ".localhost") == 0)) {
    return true;
  }
  boost::system::error_code ec;
  auto a = net::ip::make_address(host, ec);
  return !ec && a.is_loopback();
}

struct Url {
  std::string scheme;    // lower-case
  std::string userinfo;  // before '@', still percent-encoded
  std::string host;      // lower-case, IPv6 without brackets
  uint16_t port = 0;
  std::string target;  // path and query, at least "/"
};

// scheme://[userinfo@]host[:port][/path][?query]. default_scheme applies when
// the text has no "://" (proxy settings are often bare host:port). Errors
// never quote the URL: it may carry a SAS signature or proxy credentials.
bool ParseUrl(const std::string& text, const std::string& default_scheme, Url* u,
              std::string* err) {
  std::string rest;
  size_t sep = text.find("://");
  if (sep == std::string::npos) {
    if (default_scheme.empty()) {
      *err = "URL without a scheme";
      return false;
    }
    u->scheme = default_scheme;
    rest = text;
  } else {
    u->scheme = ToLower(text.substr(0, sep));
    rest = text.substr(sep + 3);
  }
  size_t end = rest.find_first_of("/?#");
  std::string authority = rest.substr(0, end);
  u->target = end == std::string::npos ? "/" : rest.substr(end);
  size_t hash = u->target.find('#');
  if (hash != std::string::npos) u->target.resize(hash);
  if (u->target.empty() || u->target[0] != '/') u->target.insert(0, "/");
  size_t at = authority.rfind('@');
  if (at != std::string::npos) {
    u->userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
  }
  std::string port;
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    if (close == std::string::npos) {
      *err = "bad IPv6 address in URL";
      return false;
    }
    u->host = authority.substr(1, close - 1);
    std::string after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') {
        *err = "bad host in URL";
        return false;
      }
      port = after.substr(1);
    }
  } else {
    size_t colon = authority.rfind(':');
    u->host = authority.substr(0, colon);
    if (colon != std::string::npos) port = authority.substr(colon + 1);
  }
  u->host = ToLower(u->host);
  if (u->host.empty()) {
    *err = "URL without a host";
    return false;
  }
  for (char c : u->host) {
    if (std::isspace(static_cast<unsigned char>(c)) || c == '/' || c == '\\' || c == '@') {
      *err = "bad host in URL";
      return false;
    }
  }
  if (!port.empty()) {
    if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(port) < 1 || std::stoi(port) > 65535) {
      *err = "bad port in URL";
      return false;
    }
    u->port = static_cast<uint16_t>(std::stoi(port));
  }
  return true;
}

// no_proxy entry "10.0.0.0/8" or "fd00::/8" against an IP literal.
bool InCidr(const std::string& host, const std::string& entry) {
  size_t slash = entry.find('/');
  if (slash == std::string::npos) return false;
  boost::system::error_code e1, e2;
  auto a = net::ip::make_address(host, e1);
  auto net_addr = net::ip::make_address(entry.substr(0, slash), e2);
  if (e1 || e2 || a.is_v4() != net_addr.is_v4()) return false;
  std::string bits_text = entry.substr(slash + 1);
  if (bits_text.empty() || bits_text.find_first_not_of("0123456789") != std::string::npos) {
    return false;
  }
  int bits = std::atoi(bits_text.c_str());
  std::vector<unsigned char> x, y;
  if (a.is_v4()) {
    auto b1 = a.to_v4().to_bytes(), b2 = net_addr.to_v4().to_bytes();
    x.assign(b1.begin(), b1.end());
    y.assign(b2.begin(), b2.end());
  } else {
    auto b1 = a.to_v6().to_bytes(), b2 = net_addr.to_v6().to_bytes();
    x.assign(b1.begin(), b1.end());
    y.assign(b2.begin(), b2.end());
  }
  if (bits < 0 || bits > static_cast<int>(x.size() * 8)) return false;
  for (int i = 0; i < bits; ++i) {
    int byte = i / 8, mask = 0x80 >> (i % 8);
    if ((x[byte] & mask) != (y[byte] & mask)) return false;
  }
  return true;
}

const char* Getenv(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : nullptr;
}

// getaddrinfo on a thread of its own, so that the connect timeout bounds it;
// a stuck resolver is abandoned (curl's threaded resolver does the same).
bool Resolve(const std::string& host, uint16_t port, Clock::time_point deadline,
             std::chrono::milliseconds timeout, std::vector<tcp::endpoint>* out, std::string* err) {
  boost::system::error_code ec;
  auto addr = net::ip::make_address(host, ec);
  if (!ec) {
    out->emplace_back(addr, port);
    return true;
  }
  struct State {
    pyfn::Mutex mu;
    pyfn::CondVar cv;
    bool done PYFN_GUARDED_BY(mu) = false;
    int rc PYFN_GUARDED_BY(mu) = 0;
    std::vector<tcp::endpoint> endpoints PYFN_GUARDED_BY(mu);
  };
  auto st = std::make_shared<State>();
  try {
    std::thread([st, host, port] {
      addrinfo hints;
      std::memset(&hints, 0, sizeof hints);
      hints.ai_family = AF_UNSPEC;
      hints.ai_socktype = SOCK_STREAM;
      hints.ai_protocol = IPPROTO_TCP;
      addrinfo* res = nullptr;
      int rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res);
      std::vector<tcp::endpoint> eps;
      for (addrinfo* p = res; rc == 0 && p != nullptr; p = p->ai_next) {
        if (p->ai_family != AF_INET && p->ai_family != AF_INET6) continue;
        tcp::endpoint ep;
        if (p->ai_addrlen > ep.capacity()) continue;
        std::memcpy(ep.data(), p->ai_addr, p->ai_addrlen);
        ep.resize(p->ai_addrlen);
        eps.push_back(ep);
      }
      if (res != nullptr) ::freeaddrinfo(res);
      MutexLock lock(st->mu);
      st->rc = rc;
      st->endpoints = std::move(eps);
      st->done = true;
      st->cv.notify_all();
    }).detach();
  } catch (const std::exception& e) {
    *err = std::string("cannot start the resolver thread: ") + e.what();
    return false;
  }
  MutexLock lock(st->mu);
  if (!st->cv.wait_until(lock, deadline, [&]() PYFN_REQUIRES(st->mu) { return st->done; })) {
    *err = "timed out after " + Ms(timeout);
    return false;
  }
  if (st->rc != 0) {
    *err = st->rc == EAI_NONAME || st->rc == EAI_NODATA ? "host not found"
                                                        : LowerFirst(::gai_strerror(st->rc));
    return false;
  }
  if (st->endpoints.empty()) {
    *err = "host not found";
    return false;
  }
  *out = std::move(st->endpoints);
  return true;
}

// The cause of a failed socket, TLS or HTTP operation, for messages.
std::string Cause(const beast::error_code& ec, std::chrono::milliseconds timeout) {
  if (ec == beast::error::timeout) return "timed out after " + Ms(timeout);
  if (ec == net::error::connection_refused) return "connection refused";
  if (ec == net::error::connection_reset) return "connection reset by peer";
  if (ec == net::error::broken_pipe) return "connection closed by the server (broken pipe)";
  if (ec == http::error::end_of_stream || ec == net::error::eof ||
      ec == ssl::error::stream_truncated) {
    return "connection closed before an answer";
  }
  if (ec == http::error::partial_message) return "connection closed in the middle of the answer";
  if (ec == http::error::header_limit) return "answer headers larger than 1 MiB";
  if (ec.category() == http::make_error_code(http::error::end_of_stream).category()) {
    return "malformed answer (" + ec.message() + ")";
  }
  if (ec.category() == net::error::get_ssl_category() ||
      ec.category() == ssl::error::get_stream_category()) {
    return "TLS error: " + ec.message();
  }
  return LowerFirst(ec.message());
}

bool ValidHeaderText(const std::string& s) {
  return s.find_first_of(std::string("\r\n\0", 3)) == std::string::npos;
}

}  // namespace

// Where a request goes: the endpoint, and the proxy (if any) on the way.
struct BeastTransport::Target {
  bool tls = false;
  std::string host;
  uint16_t port = 0;
  std::string target;      // origin-form: path and query
  std::string proxy_host;  // "" when direct
  uint16_t proxy_port = 0;
  std::string proxy_authorization;  // "Basic ..." or ""
  std::string key;                  // pool key

  bool via_proxy() const { return !proxy_host.empty(); }
  std::string HostPort() const { return JoinHostPort(host, port); }
  // Host header: the port only when it is not the scheme's default.
  std::string HostHeader() const {
    if (port == (tls ? 443 : 80))
      return host.find(':') != std::string::npos ? "[" + host + "]" : host;
    return HostPort();
  }
  // For messages: "host:port", or "host:port via proxy p:port".
  std::string Describe() const {
    return via_proxy() ? HostPort() + " via proxy " + JoinHostPort(proxy_host, proxy_port)
                       : HostPort();
  }
};

struct BeastTransport::Connection {
  // Declared first so that it outlives the streams bound to it.
  net::io_context ioc{1};
  std::string key;
  std::unique_ptr<beast::tcp_stream> plain;                   // http
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;  // https

  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }

  // Starts op(handler) on this connection's io_context and runs it to
  // completion, bounded by deadline (beast::error::timeout past it).
  template <class Op>
  beast::error_code Run(Clock::time_point deadline, Op&& op) {
    beast::error_code result;
    bool done = false;
    lowest().expires_at(deadline);
    op([&](beast::error_code ec, auto&&...) {
      result = ec;
      done = true;
    });
    ioc.restart();
    ioc.run();
    if (tls || plain) lowest().expires_never();
    if (!done) result = net::error::operation_aborted;
    return result;
  }

  // False when the server has closed the idle connection (or sent something
  // unasked): readable, hung up or failed while nobody is waiting for data.
  bool LooksAlive() {
    pollfd p;
    p.fd = lowest().socket().native_handle();
    p.events = POLLIN;
    p.revents = 0;
    return ::poll(&p, 1, 0) == 0;
  }
};

struct BeastTransport::Impl {
  ProxyConfig proxy;

  std::once_flag tls_once;
  std::unique_ptr<ssl::context> tls_ctx;
  std::string tls_ctx_error;

  pyfn::Mutex mu;
  std::list<std::unique_ptr<Connection>> idle PYFN_GUARDED_BY(mu);  // oldest first

  ssl::context* TlsContext(std::string* err) {
    std::call_once(tls_once, [this] {
      try {
        auto ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
        SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
        ctx->set_verify_mode(ssl::verify_peer);
        beast::error_code ec;
        ctx->set_default_verify_paths(ec);
        if (ec) {
          tls_ctx_error = "cannot load the system CA store: " + ec.message();
          return;
        }
        tls_ctx = std::move(ctx);
      } catch (const std::exception& e) {
        tls_ctx_error = std::string("cannot set up TLS: ") + e.what();
      }
    });
    if (!tls_ctx) *err = tls_ctx_error;
    return tls_ctx.get();
  }

  // The most recently used idle connection for key that still looks alive.
  std::unique_ptr<Connection> TakeIdle(const std::string& key) {
    std::vector<std::unique_ptr<Connection>> dead;
    std::unique_ptr<Connection> found;
    {
      MutexLock lock(mu);
      for (auto it = idle.end(); it != idle.begin();) {
        --it;
        if ((*it)->key != key) continue;
        std::unique_ptr<Connection> c = std::move(*it);
        it = idle.erase(it);
        if (c->LooksAlive()) {
          found = std::move(c);
          break;
        }
        dead.push_back(std::move(c));
      }
    }
    return found;  // dead ones close here, outside the lock
  }

  void Release(std::unique_ptr<Connection> c, size_t max_idle) {
    std::unique_ptr<Connection> evicted;
    MutexLock lock(mu);
    if (max_idle == 0) return;  // c closes
    idle.push_back(std::move(c));
    if (idle.size() > max_idle) {
      evicted = std::move(idle.front());
      idle.pop_front();
    }
  }
};

std::string BeastTransport::ProxyFor(const ProxyConfig& config, const std::string& scheme,
                                     const std::string& host) {
  const std::string& proxy = scheme == "https" ? config.https_proxy : config.http_proxy;
  if (proxy.empty() || IsLoopback(host)) return "";
  std::string h = ToLower(host);
  size_t start = 0;
  const std::string& list = config.no_proxy;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    std::string entry = list.substr(start, comma - start);
    start = comma + 1;
    size_t b = entry.find_first_not_of(" \t"), e = entry.find_last_not_of(" \t");
    if (b == std::string::npos) continue;
    entry = ToLower(entry.substr(b, e - b + 1));
    if (entry == "*") return "";
    if (entry.size() > 2 && entry.front() == '[' && entry.back() == ']') {
      entry = entry.substr(1, entry.size() - 2);
    }
    if (entry.find('/') != std::string::npos) {
      if (InCidr(h, entry)) return "";
      continue;
    }
    while (!entry.empty() && entry[0] == '.') entry.erase(0, 1);
    if (entry.empty()) continue;
    if (h == entry) return "";
    if (!IsIpLiteral(h) && h.size() > entry.size() &&
        h.compare(h.size() - entry.size(), entry.size(), entry) == 0 &&
        h[h.size() - entry.size() - 1] == '.') {
      return "";
    }
  }
  return proxy;
}

BeastTransport::BeastTransport(TransportOptions options)
    : options_(std::move(options)), impl_(std::make_unique<Impl>()) {
  if (options_.proxy_from_environment) {
    // As curl: only the lower-case http_proxy (HTTP_PROXY can be set by a
    // CGI request's "Proxy:" header), either case for the others.
    const char* all = Getenv("all_proxy");
    if (all == nullptr) all = Getenv("ALL_PROXY");
    const char* hp = Getenv("http_proxy");
    const char* sp = Getenv("https_proxy");
    if (sp == nullptr) sp = Getenv("HTTPS_PROXY");
    const char* np = Getenv("no_proxy");
    if (np == nullptr) np = Getenv("NO_PROXY");
    impl_->proxy.http_proxy = hp != nullptr ? hp : all != nullptr ? all : "";
    impl_->proxy.https_proxy = sp != nullptr ? sp : all != nullptr ? all : "";
    impl_->proxy.no_proxy = np != nullptr ? np : "";
  }
}

BeastTransport::~BeastTransport() = default;

namespace {

// Fills *t from the request URL and the proxy settings.
bool MakeTarget(const std::string& url, const BeastTransport::ProxyConfig& proxy, Url* u,
                std::string* proxy_url, std::string* err) {
  if (!ParseUrl(url, "", u, err)) return false;
  if (u->scheme != "http" && u->scheme != "https") {
    *err = "unsupported URL scheme \"" + u->scheme + "\"";
    return false;
  }
  if (!u->userinfo.empty()) {
    *err = "user names in URLs are not supported";
    return false;
  }
  if (u->port == 0) u->port = u->scheme == "https" ? 443 : 80;
  *proxy_url = BeastTransport::ProxyFor(proxy, u->scheme, u->host);
  return true;
}

}  // namespace

Status BeastTransport::Send(const HttpRequest& req, HttpResponse* resp) {
  *resp = HttpResponse();
  ++requests_sent_;
  const auto deadline = Clock::now() + options_.request_timeout;

  Target t;
  {
    Url u;
    std::string proxy_url, err;
    if (!MakeTarget(req.url, impl_->proxy, &u, &proxy_url, &err)) {
      return Status::NetworkError(err);
    }
    t.tls = u.scheme == "https";
    t.host = u.host;
    t.port = u.port;
    t.target = u.target;
    t.key = u.scheme + "://" + JoinHostPort(u.host, u.port);
    if (!proxy_url.empty()) {
      Url p;
      if (!ParseUrl(proxy_url, "http", &p, &err)) return Status::NetworkError("proxy: " + err);
      if (p.scheme != "http") {
        return Status::NetworkError("proxy scheme \"" + p.scheme +
                                    "\" is not supported (only http:// proxies are)");
      }
      t.proxy_host = p.host;
      t.proxy_port = p.port == 0 ? 1080 : p.port;  // curl's default proxy port
      if (!p.userinfo.empty()) {
        t.proxy_authorization = "Basic " + Base64Encode(UrlDecode(p.userinfo));
      }
      t.key += " via " + JoinHostPort(t.proxy_host, t.proxy_port) + " " + t.proxy_authorization;
    }
  }

  // The request head, exactly as it goes on the wire.
  if (req.method.empty() || req.method.find_first_of(" \t\r\n") != std::string::npos) {
    return Status::InvalidArgument("bad HTTP method \"" + req.method + "\"");
  }
  const bool head_only = req.method == "HEAD";
  const bool has_body = !req.body.empty() || req.method == "PUT" || req.method == "POST";
  std::string head;
  head.reserve(512);
  head += req.method;
  head += ' ';
  if (t.via_proxy() && !t.tls) head += "http://" + t.HostHeader();  // absolute-form
  head += t.target;
  head += " HTTP/1.1\r\n";
  if (req.Header("host") == nullptr) head += "Host: " + t.HostHeader() + "\r\n";
  if (!options_.user_agent.empty() && req.Header("user-agent") == nullptr) {
    head += "User-Agent: " + options_.user_agent + "\r\n";
  }
  if (req.Header("accept") == nullptr) head += "Accept: */*\r\n";
  if (t.via_proxy() && !t.tls && !t.proxy_authorization.empty()) {
    head += "Proxy-Authorization: " + t.proxy_authorization + "\r\n";
  }
  for (const auto& h : req.headers) {
    if (h.first.empty() || h.first.find_first_of(" \t:") != std::string::npos ||
        !ValidHeaderText(h.first) || !ValidHeaderText(h.second)) {
      return Status::InvalidArgument("bad HTTP header \"" + h.first + "\"");
    }
    // Framing is ours.
    if (EqualsIgnoreCase(h.first, "content-length") ||
        EqualsIgnoreCase(h.first, "transfer-encoding")) {
      continue;
    }
    head += h.first;
    head += h.second.empty() ? ":" : ": ";
    head += h.second;
    head += "\r\n";
  }
  if (has_body) head += "Content-Length: " + std::to_string(req.body.size()) + "\r\n";
  head += "\r\n";

  // One transparent retry on a fresh connection when a reused one turns out
  // to be closed before any byte of the answer arrived.
  for (int attempt = 0;; ++attempt) {
    std::unique_ptr<Connection> c = attempt == 0 ? impl_->TakeIdle(t.key) : nullptr;
    const bool reused = c != nullptr;
    if (!reused) {
      Status s = Connect(t, deadline, &c);
      if (!s.ok()) return s;
    }

    const std::string what = req.method + " " + t.Describe();
    const net::const_buffer body = net::buffer(req.body.data(), has_body ? req.body.size() : 0);
    beast::error_code write_ec;
    if (!c->tls) {
      // One gathered write: head and body.
      std::array<net::const_buffer, 2> out{net::buffer(head), body};
      write_ec = c->Run(
          deadline, [&](auto handler) { net::async_write(*c->plain, out, std::move(handler)); });
    } else {
      // One buffer per write: Boost 1.74's beast::flat_stream (inside
      // ssl_stream) writes nothing when a sequence starts with an empty
      // buffer, which async_write passes it once the head is out. Small
      // bodies go in the head's buffer (one TLS record).
      std::string small;
      std::vector<net::const_buffer> parts;
      if (body.size() <= 16 * 1024) {
        small = head;
        small.append(req.body.data(), body.size());
        parts.emplace_back(net::buffer(small));
      } else {
        parts.emplace_back(net::buffer(head));
        parts.push_back(body);
      }
      for (const auto& part : parts) {
        write_ec = c->Run(
            deadline, [&](auto handler) { net::async_write(*c->tls, part, std::move(handler)); });
        if (write_ec) break;
      }
    }
    // Even when the upload failed the server may have answered before it
    // closed (a 403 or 413 sent early): read what is there.
    beast::error_code ec = write_ec == beast::error::timeout ? write_ec : beast::error_code();
    bool received = false;
    beast::flat_buffer buf;
    std::optional<http::response_parser<http::string_body>> parser;
    while (!ec) {
      parser.emplace();
      parser->header_limit(kHeaderLimit);
      parser->body_limit(boost::none);
      if (head_only) parser->skip(true);
      ec = c->Run(deadline, [&](auto handler) {
        if (c->tls) {
          http::async_read(*c->tls, buf, *parser, std::move(handler));
        } else {
          http::async_read(*c->plain, buf, *parser, std::move(handler));
        }
      });
      if (parser->got_some() || buf.size() > 0) received = true;
      // A TLS server that ends a read-until-close body without close_notify.
      if (ec == ssl::error::stream_truncated && parser->is_header_done() && parser->need_eof()) {
        beast::error_code eof_ec;
        parser->put_eof(eof_ec);
        ec = eof_ec;
      }
      if (ec) break;
      const int status = parser->get().result_int();
      if (status >= 100 && status < 200 && status != 101) continue;  // interim answer
      break;
    }
    if (ec) {
      if (write_ec) ec = write_ec;
      if (reused && attempt == 0 && !received && ec != beast::error::timeout) continue;
      return Status::NetworkError(what + ": " + Cause(ec, options_.request_timeout));
    }

    auto& msg = parser->get();
    resp->status = msg.result_int();
    for (const auto& f : msg) {
      auto name = f.name_string();
      auto value = f.value();
      resp->headers.emplace_back(ToLower(std::string(name.data(), name.size())),
                                 std::string(value.data(), value.size()));
    }
    resp->body = std::move(msg.body());
    if (!write_ec && parser->keep_alive() && parser->is_done() && buf.size() == 0 &&
        resp->status != 101) {
      impl_->Release(std::move(c), options_.max_idle_connections);
    }
    return Status::OK();
  }
}

Status BeastTransport::Connect(const Target& t, Clock::time_point deadline,
                               std::unique_ptr<Connection>* out) {
  const auto now = Clock::now();
  auto connect_deadline = now + options_.connect_timeout;
  auto timeout = options_.connect_timeout;
  if (deadline < connect_deadline) {
    connect_deadline = deadline;
    timeout = options_.request_timeout;
  }
  const std::string& host = t.via_proxy() ? t.proxy_host : t.host;
  const uint16_t port = t.via_proxy() ? t.proxy_port : t.port;
  const std::string where =
      t.via_proxy() ? "proxy " + JoinHostPort(host, port) + " (for " + t.HostPort() + ")"
                    : JoinHostPort(host, port);

  std::vector<tcp::endpoint> endpoints;
  std::string err;
  if (!Resolve(host, port, connect_deadline, timeout, &endpoints, &err)) {
    return Status::NetworkError("resolve " + (t.via_proxy() ? "proxy " + host : host) + ": " + err);
  }

  try {
    auto c = std::make_unique<Connection>();
    c->key = t.key;
    c->plain = std::make_unique<beast::tcp_stream>(c->ioc);
    beast::error_code ec = c->Run(connect_deadline, [&](auto handler) {
      c->plain->async_connect(endpoints, std::move(handler));
    });
    if (ec) return Status::NetworkError("connect to " + where + ": " + Cause(ec, timeout));
    ++connections_opened_;
    beast::error_code ignored;
    c->plain->socket().set_option(tcp::no_delay(true), ignored);
    c->plain->socket().set_option(net::socket_base::keep_alive(true), ignored);

    if (t.via_proxy() && t.tls) {
      // A tunnel through the proxy; TLS goes end to end inside it.
      std::string req = "CONNECT " + t.HostPort() + " HTTP/1.1\r\nHost: " + t.HostPort() + "\r\n";
      if (!options_.user_agent.empty()) req += "User-Agent: " + options_.user_agent + "\r\n";
      if (!t.proxy_authorization.empty()) {
        req += "Proxy-Authorization: " + t.proxy_authorization + "\r\n";
      }
      req += "\r\n";
      ec = c->Run(connect_deadline, [&](auto handler) {
        net::async_write(*c->plain, net::buffer(req), std::move(handler));
      });
      beast::flat_buffer buf;
      http::response_parser<http::empty_body> parser;
      parser.skip(true);  // a 2xx answer to CONNECT has no body
      if (!ec) {
        ec = c->Run(connect_deadline, [&](auto handler) {
          http::async_read_header(*c->plain, buf, parser, std::move(handler));
        });
      }
      if (ec) return Status::NetworkError("CONNECT through " + where + ": " + Cause(ec, timeout));
      int status = parser.get().result_int();
      if (status / 100 != 2) {
        auto reason = parser.get().reason();
        return Status::NetworkError("proxy " + JoinHostPort(host, port) + " refused CONNECT to " +
                                    t.HostPort() + ": " + std::to_string(status) + " " +
                                    std::string(reason.data(), reason.size()));
      }
    }

    if (t.tls) {
      ssl::context* ctx = impl_->TlsContext(&err);
      if (ctx == nullptr) return Status::NetworkError("TLS with " + t.HostPort() + ": " + err);
      c->tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(std::move(*c->plain), *ctx);
      c->plain.reset();
      SSL* ssl_handle = c->tls->native_handle();
      X509_VERIFY_PARAM* param = SSL_get0_param(ssl_handle);
      if (IsIpLiteral(t.host)) {
        X509_VERIFY_PARAM_set1_ip_asc(param, t.host.c_str());
      } else {
        SSL_set_tlsext_host_name(ssl_handle, t.host.c_str());  // SNI: names only
        X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        X509_VERIFY_PARAM_set1_host(param, t.host.c_str(), t.host.size());
      }
      ec = c->Run(connect_deadline, [&](auto handler) {
        c->tls->async_handshake(ssl::stream_base::client, std::move(handler));
      });
      if (ec) {
        std::string cause;
        long verify = SSL_get_verify_result(ssl_handle);
        if (ec == beast::error::timeout) {
          cause = Cause(ec, timeout);
        } else if (verify != X509_V_OK) {
          cause = "certificate verify failed (" +
                  std::string(X509_verify_cert_error_string(verify)) + ")";
        } else if (ec == net::error::eof || ec == ssl::error::stream_truncated ||
                   ec == net::error::connection_reset) {
          cause = "connection closed by the server during the handshake";
        } else {
          cause = ec.message();
        }
        return Status::NetworkError("TLS handshake with " + t.Describe() + ": " + cause);
      }
    }
    *out = std::move(c);
    return Status::OK();
  } catch (const std::exception& e) {
    return Status::NetworkError("connect to " + where + ": " + e.what());
  }
}

}  // namespace storage
}  // namespace pyfn
