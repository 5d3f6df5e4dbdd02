// The HTTP request and response as the front door hands them around: plain
// structs, independent of the HTTP library and of the worker protocol (no
// protobuf here; rpc_http.h converts them to and from RpcHttp).
//
// The request target is split once, when the front door reads the request
// (SetTarget): path, query and the query's parameters are fields, so auth,
// CORS, routing and the RpcHttp builder read them instead of parsing again.
#ifndef PYFN_HOST_HTTP_MESSAGE_H_
#define PYFN_HOST_HTTP_MESSAGE_H_

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pyfn {

struct HttpRequest {
  std::string method;  // as received ("GET")
  std::string target;  // origin-form: "/api/x?a=1" (set with SetTarget)
  std::string path;    // "/api/x" (no query, no fragment)
  std::string query;   // "a=1" (raw, without '?')
  std::map<std::string, std::string> query_params;  // ParseQuery(query)
  std::vector<std::pair<std::string, std::string>> headers;  // in arrival order
  std::string body;
  std::string base_url;  // "http://<Host header>" (no trailing slash)
  // With tracing on (host/telemetry): the server span's context, the parent
  // of the invocation span. Empty otherwise.
  std::string trace_parent;
  std::string trace_state;

  // Sets target, path, query and query_params.
  void SetTarget(std::string t);
  // The first header of that name (`lower_name` in lower case; names compare
  // without case), or "".
  std::string Header(std::string_view lower_name) const;
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // may repeat (Set-Cookie)
  std::string body;
};

// A response with no body (500, 404, 503...).
HttpResponse EmptyResponse(int status);
// "text/plain; charset=utf-8" with `text`.
HttpResponse TextResponse(int status, std::string text);
// "application/json; charset=utf-8" with `j` serialised.
HttpResponse JsonResponse(int status, const nlohmann::json& j);

// "/a/b?x=1" -> path "/a/b", query "x=1".
void SplitTarget(const std::string& target, std::string* path, std::string* query);

// "a=1&b=x+y&a=2" -> {a: "1,2", b: "x y"} (repeated keys joined with ",", as
// ASP.NET's StringValues.ToString does). Keys without '=' get "". Names and
// values are decoded by PercentDecodeUtf8, so they are valid UTF-8 ("%FF"
// stays "%FF").
std::map<std::string, std::string> ParseQuery(const std::string& query);

}  // namespace pyfn

#endif  // PYFN_HOST_HTTP_MESSAGE_H_
