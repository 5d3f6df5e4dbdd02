// A request whose body and response travel piece by piece (streaming HTTP):
// what the front door (http_server.h) hands a handler that asked for it with
// HttpHandler::WantsStream, instead of a request with its whole body.
//
// The head (method, target, headers) came with the request; the body is read
// with ReadBody as the handler wants it (each piece within the server's body
// timeout, the whole within its body limit), and the response is written as
// a head, then pieces, then Finish. A response without Content-Length goes
// out chunked, each piece as one chunk at once (server-sent events flush as
// written). Methods may be called from any thread, one operation of a kind
// at a time (one ReadBody, one write pending); callbacks run on the
// connection's strand. Exactly one of Finish, Respond or Abort ends it.
#ifndef PYFN_HOST_HTTP_STREAM_H_
#define PYFN_HOST_HTTP_STREAM_H_

#include <functional>
#include <string>

#include "host/common/status.h"
#include "host/http/http_message.h"

namespace pyfn {

class HttpStream {
 public:
  virtual ~HttpStream() = default;
  // The next piece of the request body; `last` once it is complete (then
  // `data` may be empty). Errors: the client went away, the body broke the
  // body limit (InvalidArgument) or timed out; the connection is then closed.
  virtual void ReadBody(std::function<void(Status, std::string data, bool last)> done) = 0;
  // The response's status and headers (`head.body` is ignored). With a
  // Content-Length header the body must be that long; else it is chunked.
  virtual void WriteHead(HttpResponse head, std::function<void(Status)> done) = 0;
  virtual void WriteBody(std::string data, std::function<void(Status)> done) = 0;
  // Ends the response; the connection serves the next request when the
  // request body was read to its end, else it closes.
  virtual void Finish() = 0;
  // A whole response instead (401, 429, 503...), before WriteHead only.
  virtual void Respond(HttpResponse response) = 0;
  // Closes the connection: the response cannot be completed.
  virtual void Abort() = 0;
};

}  // namespace pyfn

#endif  // PYFN_HOST_HTTP_STREAM_H_
