// Conversion between HTTP messages (http_message.h) and the protocol's
// RpcHttp (internals.md "The conversation", steps 5 and 6).
#ifndef PYFN_HOST_RPC_HTTP_H_
#define PYFN_HOST_RPC_HTTP_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "FunctionRpc.pb.h"
#include "host/app/function_model.h"
#include "host/common/status.h"
#include "host/http/http_message.h"

namespace pyfn {

namespace rpc = ::AzureFunctionsRpcMessages;

// Fills `out` per internals.md: method, absolute url, lower-cased headers
// (repeats joined with ", "), query, route params, body as TypedData.bytes.
void BuildRpcHttp(const HttpRequest& req, const std::map<std::string, std::string>& params,
                  rpc::RpcHttp* out);

// The trace context an HTTP invocation passes on (InvocationRequest's
// RpcTraceContext, the invocation span's parent): the server span's
// (req.trace_parent, set by http_tracing.h) when tracing, else the request's
// own traceparent/tracestate when valid (a new traceparent otherwise); the
// attribute OperationName is the function's name.
void HttpTraceContext(const HttpRequest& req, const std::string& function,
                      rpc::RpcTraceContext* out);

// One Set-Cookie header value, as ASP.NET renders it:
// "name=value; expires=...; max-age=...; domain=...; path=...; secure; samesite=lax; httponly".
std::string FormatSetCookie(const rpc::RpcHttpCookie& c);

// An http TypedData from the worker -> response: status (empty = 200),
// headers (CR/LF stripped; Content-Length/Transfer-Encoding/Connection dropped,
// the server sets them), cookies, body (bytes, string, json...). A missing
// Content-Type on a non-empty body defaults to "text/plain; charset=utf-8" for
// string bodies and "application/octet-stream" for bytes.
Status HttpResponseFromRpc(const rpc::RpcHttp& http, HttpResponse* out);

// The whole InvocationResponse of an HTTP-triggered function -> response.
// Uses the function's http output binding: "$return" -> return_value, else
// the output_data entry with its name. Unset -> 204. A non-http value (a str
// returned where http was expected) becomes a 200 with that body.
Status HttpResponseFromInvocation(const FunctionSpec& fn, const rpc::InvocationResponse& resp,
                                  HttpResponse* out);

}  // namespace pyfn

#endif  // PYFN_HOST_RPC_HTTP_H_
