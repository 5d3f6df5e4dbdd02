#include "host/http/rpc_http.h"

#include <cctype>
#include <cmath>
#include <ctime>

#include "host/common/strings.h"
#include "host/common/text_encoding.h"
#include "host/http/route.h"
#include "host/workers/trace_context.h"

namespace pyfn {
namespace {

std::string StripCrLf(const std::string& s) {
  std::string out;
  for (char c : s)
    if (c != '\r' && c != '\n' && c != '\0') out += c;
  return out;
}

bool HasHeader(const HttpResponse& r, const char* name) {
  for (const auto& h : r.headers)
    if (AsciiLower(h.first) == name) return true;
  return false;
}

std::string FormatDouble(double d) {
  if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e15)
    return std::to_string(static_cast<long long>(d));
  return std::to_string(d);
}

// Body TypedData -> bytes; *is_text tells the default Content-Type.
void BodyBytes(const rpc::TypedData& d, std::string* body, std::string* default_type) {
  switch (d.data_case()) {
    case rpc::TypedData::kBytes: *body = d.bytes(); *default_type = "application/octet-stream"; break;
    case rpc::TypedData::kStream: *body = d.stream(); *default_type = "application/octet-stream"; break;
    case rpc::TypedData::kString: *body = d.string(); *default_type = "text/plain; charset=utf-8"; break;
    case rpc::TypedData::kJson: *body = d.json(); *default_type = "application/json"; break;
    case rpc::TypedData::kInt: *body = std::to_string(d.int_()); *default_type = "text/plain; charset=utf-8"; break;
    case rpc::TypedData::kDouble: *body = FormatDouble(d.double_()); *default_type = "text/plain; charset=utf-8"; break;
    default: body->clear(); default_type->clear(); break;
  }
}

// Whether a Nullable* wrapper holds a value. The generated name of the oneof
// case accessor differs between protobuf releases (double_case vs
// double__case), but a set oneof member is always serialized, so size works
// everywhere.
template <typename M>
bool IsSet(const M& m) {
  return m.ByteSizeLong() > 0;
}

}  // namespace

void HttpTraceContext(const HttpRequest& req, const std::string& function,
                      rpc::RpcTraceContext* out) {
  if (!req.trace_parent.empty()) {
    out->set_trace_parent(req.trace_parent);
    out->set_trace_state(req.trace_state);
  } else {
    out->set_trace_parent(ContinueTraceparent(req.Header("traceparent")));
    out->set_trace_state(req.Header("tracestate"));
  }
  (*out->mutable_attributes())["OperationName"] = function;
}

void BuildRpcHttp(const HttpRequest& req, const std::map<std::string, std::string>& params,
                  rpc::RpcHttp* out) {
  // The front door rejects targets and header values that are not UTF-8; the
  // conversions here keep every string field valid for any caller (in place:
  // valid strings are not copied again).
  std::string method = req.method;
  MakeValidUtf8(&method);
  out->set_method(std::move(method));
  std::string url;
  url.reserve(req.base_url.size() + req.target.size());
  url.append(req.base_url).append(req.target);
  MakeValidUtf8(&url);
  out->set_url(std::move(url));
  auto* headers = out->mutable_headers();
  for (const auto& h : req.headers) {
    std::string k = AsciiLower(h.first);
    MakeValidUtf8(&k);
    auto [it, inserted] = headers->try_emplace(std::move(k));
    if (inserted) {
      it->second = h.second;
      MakeValidUtf8(&it->second);
    } else {
      it->second += ", " + ToValidUtf8(h.second);
    }
  }
  for (const auto& kv : req.query_params) (*out->mutable_query())[kv.first] = kv.second;
  for (const auto& kv : params) (*out->mutable_params())[ToValidUtf8(kv.first)] = ToValidUtf8(kv.second);
  out->mutable_body()->set_bytes(req.body);
}

std::string FormatSetCookie(const rpc::RpcHttpCookie& c) {
  std::string s = c.name() + "=" + c.value();
  if (c.has_expires() && IsSet(c.expires())) {
    time_t t = static_cast<time_t>(c.expires().value().seconds());
    struct tm tm;
    gmtime_r(&t, &tm);
    char buf[64];
    strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    s += std::string("; expires=") + buf;
  }
  if (c.has_max_age() && IsSet(c.max_age()))
    s += "; max-age=" + std::to_string(static_cast<long long>(c.max_age().value()));
  if (c.has_domain() && IsSet(c.domain()) &&
      !c.domain().value().empty())
    s += "; domain=" + c.domain().value();
  if (c.has_path() && IsSet(c.path()) &&
      !c.path().value().empty())
    s += "; path=" + c.path().value();
  if (c.has_secure() && IsSet(c.secure()) && c.secure().value())
    s += "; secure";
  switch (c.same_site()) {
    case rpc::RpcHttpCookie::Lax: s += "; samesite=lax"; break;
    case rpc::RpcHttpCookie::Strict: s += "; samesite=strict"; break;
    case rpc::RpcHttpCookie::ExplicitNone: s += "; samesite=none"; break;
    default: break;
  }
  if (c.has_http_only() && IsSet(c.http_only()) &&
      c.http_only().value())
    s += "; httponly";
  return StripCrLf(s);
}

Status HttpResponseFromRpc(const rpc::RpcHttp& http, HttpResponse* out) {
  out->status = 200;
  if (!http.status_code().empty()) {
    const std::string& sc = http.status_code();
    int v = 0;
    for (char c : sc) {
      if (!std::isdigit(static_cast<unsigned char>(c)) || v > 1000)
        return Status::InvalidArgument("function returned a bad status code '" + sc + "'");
      v = v * 10 + (c - '0');
    }
    if (v < 100 || v > 999)
      return Status::InvalidArgument("function returned a bad status code '" + sc + "'");
    out->status = v;
  }
  out->headers.clear();
  for (const auto& kv : http.headers()) {
    std::string k = AsciiLower(kv.first);
    if (k == "content-length" || k == "transfer-encoding" || k == "connection") continue;
    std::string name = StripCrLf(kv.first);
    if (name.empty()) continue;
    out->headers.emplace_back(name, StripCrLf(kv.second));
  }
  for (const auto& c : http.cookies()) out->headers.emplace_back("Set-Cookie", FormatSetCookie(c));
  std::string default_type;
  if (http.has_body()) BodyBytes(http.body(), &out->body, &default_type);
  else out->body.clear();
  if (!out->body.empty() && !default_type.empty() && !HasHeader(*out, "content-type"))
    out->headers.emplace_back("Content-Type", default_type);
  return Status::OK();
}

Status HttpResponseFromInvocation(const FunctionSpec& fn, const rpc::InvocationResponse& resp,
                                  HttpResponse* out) {
  const BindingSpec* b = fn.HttpOutput();
  const rpc::TypedData* data = nullptr;
  if (b == nullptr || b->name == "$return") {
    if (resp.has_return_value()) data = &resp.return_value();
  }
  if (b != nullptr && b->name != "$return") {
    for (const auto& pb : resp.output_data())
      if (pb.name() == b->name && pb.has_data()) data = &pb.data();
  }
  if (data == nullptr || data->data_case() == rpc::TypedData::DATA_NOT_SET) {
    *out = EmptyResponse(204);
    return Status::OK();
  }
  if (data->data_case() == rpc::TypedData::kHttp) return HttpResponseFromRpc(data->http(), out);
  *out = HttpResponse();
  std::string default_type;
  BodyBytes(*data, &out->body, &default_type);
  if (default_type.empty())
    return Status::InvalidArgument("function returned a value that is not an HTTP response");
  out->status = 200;
  out->headers.emplace_back("Content-Type", default_type);
  return Status::OK();
}

}  // namespace pyfn
