// The trigger value of an HTTP invocation, written straight from the request
// as the bytes the worker reads (no RpcHttp message is built, copied or
// destroyed on the way): the hot path of every HTTP request
// (function_routes.h "invoke").
#ifndef PYFN_HOST_HTTP_RPC_HTTP_WIRE_H_
#define PYFN_HOST_HTTP_RPC_HTTP_WIRE_H_

#include <map>
#include <string>
#include <string_view>

#include "host/http/http_message.h"

namespace pyfn {

// Headers beyond this many are left to BuildRpcHttp (the writer joins
// repeated names by comparing each header with those before it).
constexpr size_t kMaxWireHeaders = 64;

// The bytes of ParameterBinding{name: binding, data: TypedData{http}} where
// http is what BuildRpcHttp(req, params) builds (with_request), or an RpcHttp
// holding only the route parameters (not with_request, a forwarded request).
// Parsed, they equal that message; map entries may come in another order.
// Returns false, with *out untouched, when the request holds a string
// BuildRpcHttp would repair (not UTF-8) or more than kMaxWireHeaders
// headers: the caller then builds the message.
bool EncodeHttpTrigger(std::string_view binding, const HttpRequest& req,
                       const std::map<std::string, std::string>& params, bool with_request,
                       std::string* out);

}  // namespace pyfn

#endif  // PYFN_HOST_HTTP_RPC_HTTP_WIRE_H_
