// The bytes of an HTTP/1.x response head (status line and header fields),
// written by the front door in one buffer ahead of the body.
//
// The output is what Boost.Beast's serializer writes for the same response
// (response_head_test.cc compares them): known field names in their usual
// spelling ("content-type" -> "Content-Type"), other names as given, values
// without surrounding blanks, fields in order; then "Connection" as
// keep-alive asks (HTTP/1.1 "close" when not kept alive, HTTP/1.0
// "keep-alive" when kept alive) and "Content-Length" last. Content-Length
// fields among `response.headers` are replaced by the real length.
// Building the head directly costs a fraction of Beast's buffer-sequence
// serializer on the per-request path.
#ifndef PYFN_HOST_HTTP_RESPONSE_HEAD_H_
#define PYFN_HOST_HTTP_RESPONSE_HEAD_H_

#include <cstddef>
#include <string>

#include "host/http/http_message.h"

namespace pyfn {

// Appends the head of `response` to *out (cleared first). `version` is 10 or
// 11; `content_length` the body length announced (a HEAD answer announces the
// length of the body it does not send).
void WriteResponseHead(const HttpResponse& response, unsigned version, bool keep_alive,
                       size_t content_length, std::string* out);

}  // namespace pyfn

#endif  // PYFN_HOST_HTTP_RESPONSE_HEAD_H_
