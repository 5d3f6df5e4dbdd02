#include "host/http/rpc_http_wire.h"

#include <cstdint>

#include "host/common/proto_wire.h"
#include "host/common/text_encoding.h"

namespace pyfn {
namespace {

using wire::LenField;
using wire::StringPairField;

// Field numbers (FunctionRpc.proto).
enum : uint32_t {
  kBindingName = 1, kBindingData = 2,
  kTypedBytes = 3, kTypedHttp = 5,
  kHttpMethod = 1, kHttpUrl = 2, kHttpHeaders = 3, kHttpBody = 4, kHttpParams = 10,
  kHttpQuery = 15,
};

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool SameName(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (Lower(a[i]) != Lower(b[i])) return false;
  return true;
}

// The headers as BuildRpcHttp's map holds them: one entry per name (lower
// case), the values of a repeated name joined with ", " in arrival order.
struct HeaderPlan {
  size_t n = 0;
  uint8_t first[kMaxWireHeaders];  // index of the first header with this one's name
  size_t value_size[kMaxWireHeaders];  // for a first: its joined value's size

  // False when a name or value is not UTF-8.
  bool Make(const HttpRequest& req) {
    n = req.headers.size();
    for (size_t i = 0; i < n; ++i) {
      const auto& [name, value] = req.headers[i];
      if (!IsValidUtf8(name) || !IsValidUtf8(value)) return false;
      size_t f = i;
      for (size_t j = 0; j < i; ++j) {
        if (first[j] == j && SameName(req.headers[j].first, name)) {
          f = j;
          break;
        }
      }
      first[i] = static_cast<uint8_t>(f);
      if (f == i) value_size[i] = value.size();
      else value_size[f] += 2 + value.size();
    }
    return true;
  }
  size_t Size(const HttpRequest& req) const {
    size_t s = 0;
    for (size_t i = 0; i < n; ++i)
      if (first[i] == i) s += StringPairField(req.headers[i].first.size(), value_size[i]);
    return s;
  }
  void Write(const HttpRequest& req, wire::Writer* w) const {
    for (size_t i = 0; i < n; ++i) {
      if (first[i] != i) continue;
      const std::string& name = req.headers[i].first;
      w->LenHead(kHttpHeaders, LenField(name.size()) + LenField(value_size[i]));
      w->LenHead(1, name.size());
      char* p = w->Skip(name.size());
      for (char c : name) *p++ = Lower(c);
      w->LenHead(2, value_size[i]);
      w->Raw(req.headers[i].second);
      for (size_t j = i + 1; j < n; ++j) {
        if (first[j] != i) continue;
        w->Raw(", ");
        w->Raw(req.headers[j].second);
      }
    }
  }
};

size_t PairsSize(const std::map<std::string, std::string>& m) {
  size_t s = 0;
  for (const auto& [k, v] : m) s += StringPairField(k.size(), v.size());
  return s;
}

void WritePairs(uint32_t field, const std::map<std::string, std::string>& m, wire::Writer* w) {
  for (const auto& [k, v] : m) w->StringPair(field, k, v);
}

}  // namespace

bool EncodeHttpTrigger(std::string_view binding, const HttpRequest& req,
                       const std::map<std::string, std::string>& params, bool with_request,
                       std::string* out) {
  for (const auto& [k, v] : params)
    if (!IsValidUtf8(k) || !IsValidUtf8(v)) return false;
  HeaderPlan headers;
  const size_t url_size = req.base_url.size() + req.target.size();
  size_t http = PairsSize(params);
  if (with_request) {
    if (req.headers.size() > kMaxWireHeaders || !IsValidUtf8(req.method) ||
        !IsValidUtf8(req.base_url) || !IsValidUtf8(req.target) || !headers.Make(req))
      return false;
    // Query parameters are UTF-8 already (ParseQuery); BuildRpcHttp copies them as they are.
    if (!req.method.empty()) http += LenField(req.method.size());
    if (url_size != 0) http += LenField(url_size);
    http += headers.Size(req) + LenField(LenField(req.body.size())) + PairsSize(req.query_params);
  }
  const size_t data = LenField(http);
  size_t total = LenField(data);
  if (!binding.empty()) total += LenField(binding.size());

  std::string bytes(total, '\0');
  wire::Writer w(bytes.data());
  if (!binding.empty()) w.String(kBindingName, binding);
  w.LenHead(kBindingData, data);
  w.LenHead(kTypedHttp, http);
  if (with_request) {
    if (!req.method.empty()) w.String(kHttpMethod, req.method);
    if (url_size != 0) {
      w.LenHead(kHttpUrl, url_size);
      w.Raw(req.base_url);
      w.Raw(req.target);
    }
    headers.Write(req, &w);
    w.LenHead(kHttpBody, LenField(req.body.size()));
    w.String(kTypedBytes, req.body);
    WritePairs(kHttpQuery, req.query_params, &w);
  }
  WritePairs(kHttpParams, params, &w);
  *out = std::move(bytes);
  return true;
}

}  // namespace pyfn
