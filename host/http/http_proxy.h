// Forwards one streamed request to a worker's HTTP endpoint (the `HttpUri`
// capability) and relays the worker's response, piece by piece both ways.
//
//   client ──HttpStream──▶ HttpProxyCall ──HTTP/1.1 over loopback──▶ worker
//
// The request goes out with its method, target and headers (hop-by-hop ones
// dropped) plus `x-ms-invocation-id`, which is how the worker matches it with
// the InvocationRequest sent over gRPC; its body is forwarded as it is read
// (Content-Length kept when the client gave one, else chunked), never held
// whole. The worker's response head is passed to `decorate` (CORS) and then
// written; its body goes to the client piece by piece in the order it
// arrives. The upload and the download run at the same time (a function may
// answer before it read everything). One connection per request, closed at
// the end. When the worker cannot be reached or closes before its response
// head, the client gets 500 (or `failure_status`); after it, the client
// connection is closed.
// `done` is called once when the exchange is over, on an io_context thread.
#ifndef PYFN_HOST_HTTP_PROXY_H_
#define PYFN_HOST_HTTP_PROXY_H_

#include <boost/asio/io_context.hpp>

#include <functional>
#include <memory>
#include <string>

#include "host/common/status.h"
#include "host/http/http_message.h"
#include "host/http/http_stream.h"

namespace pyfn {

// The header naming the invocation a forwarded request belongs to (Azure's).
inline constexpr const char* kInvocationIdHeader = "x-ms-invocation-id";

// "http://127.0.0.1:41234/" -> host "127.0.0.1", port 41234. False when the
// URI is not http://<IPv4 or [IPv6] or localhost>:<port>[/...].
bool ParseHttpUri(const std::string& uri, std::string* host, int* port);

struct ProxyRequest {
  std::string http_uri;       // the worker's HttpUri
  std::string invocation_id;
  HttpRequest head;           // method, target, headers (no body)
  std::shared_ptr<HttpStream> client;
  std::function<void(HttpResponse*)> decorate;  // may be empty
  // The status answered when the worker cannot be reached or closes before
  // its response head, asked at that moment; empty: 500.
  std::function<int()> failure_status;
  // The exchange is over: OK when the whole response reached the client.
  std::function<void(Status)> done;
};

// Starts the exchange on `ioc` and returns at once.
void StartHttpProxy(boost::asio::io_context& ioc, ProxyRequest request);

}  // namespace pyfn

#endif  // PYFN_HOST_HTTP_PROXY_H_
