// BeastTransport: the real HttpTransport, on Boost.Beast/Asio and OpenSSL.
//
// Send is synchronous: it runs the request on the calling thread (each
// connection has an io_context of its own) and returns when the answer is
// read or the request failed. Thread safe: each Send takes a connection of
// its own, so concurrent calls never share one.
//
// Wire behaviour (what Shared Key signs must be exactly what is sent):
//   - HTTP/1.1; "Host" (with the port when it is not the scheme's default),
//     "User-Agent: <options.user_agent>" and "Accept: */*" unless the request
//     has its own, then the request's headers as given.
//   - Content-Length is computed from the body (a caller's Content-Length or
//     Transfer-Encoding is dropped) and sent when there is a body or the
//     method is PUT or POST ("Content-Length: 0" for an empty PUT); never
//     "Expect: 100-continue", never a Content-Type the caller did not give.
//   - https: TLS 1.2 or later, the system CA store
//     (SSL_CTX_set_default_verify_paths, so SSL_CERT_FILE / SSL_CERT_DIR
//     apply), SNI, and the certificate must name the host (DNS name or IP).
//   - Proxies as curl reads them from the environment: http_proxy for http
//     URLs (absolute-form request), https_proxy / HTTPS_PROXY for https URLs
//     (CONNECT tunnel), all_proxy / ALL_PROXY for both; no_proxy / NO_PROXY
//     lists exceptions ("*", host names, domain suffixes, IP addresses).
//     Loopback never goes through a proxy. Only http:// proxies are
//     supported; "user:password@" in the proxy URL becomes Basic
//     Proxy-Authorization.
//
// Connections are kept alive and pooled by scheme, host and port (and proxy);
// up to max_idle_connections idle ones are kept, the least recently used
// closed first. A pooled connection the server has closed meanwhile is
// noticed before use, or, when the close races with the request, the request
// is retried once on a fresh connection as long as no byte of an answer had
// arrived (as curl does); only a failure on a fresh connection is reported.
//
// Responses: any size (no body limit), Content-Length, chunked or
// read-until-close bodies, HEAD answers without a body, 204/304, interim 1xx
// answers skipped. Header names are lower-cased, values kept as sent.
#ifndef PYFN_HOST_STORAGE_BEAST_TRANSPORT_H_
#define PYFN_HOST_STORAGE_BEAST_TRANSPORT_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "host/storage/http.h"

namespace pyfn {
namespace storage {

struct TransportOptions {
  // Name resolution, TCP connect, proxy CONNECT and TLS handshake together.
  std::chrono::milliseconds connect_timeout{5000};
  // Whole request, connect, upload and download included. Uploads above the
  // blob client's block size go in blocks, so this bounds one block.
  std::chrono::milliseconds request_timeout{60000};
  // Idle keep-alive connections kept for reuse, all endpoints together.
  size_t max_idle_connections = 16;
  // Sent as User-Agent unless the request has one; empty sends none.
  std::string user_agent = "pyfn-host";
  // Read http_proxy, https_proxy, all_proxy and no_proxy (see above) when the
  // transport is made. False: always connect directly.
  bool proxy_from_environment = true;
};

class BeastTransport : public HttpTransport {
 public:
  explicit BeastTransport(TransportOptions options = TransportOptions());
  ~BeastTransport() override;
  BeastTransport(const BeastTransport&) = delete;
  BeastTransport& operator=(const BeastTransport&) = delete;

  // OK whenever an HTTP answer arrived. NetworkError otherwise, its message
  // naming the endpoint and the cause:
  //   "connect to 127.0.0.1:1: connection refused"
  //   "connect to example.com:443: timed out after 5000 ms"
  //   "resolve nohost.invalid: host not found"
  //   "GET 127.0.0.1:10000: timed out after 60000 ms"
  //   "TLS handshake with 127.0.0.1:8443: certificate verify failed (hostname mismatch)"
  //   "GET 127.0.0.1:10000: connection closed before an answer"
  // An unparsable or non-http(s) URL is a NetworkError too (as with curl); a
  // header name or value containing CR, LF or NUL is InvalidArgument.
  Status Send(const HttpRequest& req, HttpResponse* resp) override;

  // New connections opened so far (TCP connects, retries included): far
  // below the request count when keep-alive works.
  uint64_t connections_opened() const { return connections_opened_.load(); }
  // Send calls so far (a transparent retry on a fresh connection counts once).
  uint64_t requests_sent() const { return requests_sent_.load(); }

  // Forwarding rule taken from the environment; public for the tests.
  struct ProxyConfig {
    std::string http_proxy;   // "http://[user:pass@]host[:port]", or "" for direct
    std::string https_proxy;  // likewise, for https URLs
    std::string no_proxy;     // comma-separated exceptions
  };
  // The proxy URL for scheme://host, or "" to connect directly.
  static std::string ProxyFor(const ProxyConfig& config, const std::string& scheme,
                              const std::string& host);

 private:
  struct Connection;
  struct Target;
  struct Impl;

  // A new connection for t: resolve, TCP connect, proxy tunnel, TLS.
  Status Connect(const Target& t, std::chrono::steady_clock::time_point deadline,
                 std::unique_ptr<Connection>* out);

  const TransportOptions options_;
  std::unique_ptr<Impl> impl_;
  std::atomic<uint64_t> connections_opened_{0};
  std::atomic<uint64_t> requests_sent_{0};
};

}  // namespace storage
}  // namespace pyfn

#endif  // PYFN_HOST_STORAGE_BEAST_TRANSPORT_H_
