#include "host/common/strings.h"
#include "host/http/cors.h"

#include <cctype>

namespace pyfn {
namespace {

std::string Normalize(std::string o) {
  o = AsciiLower(o);
  while (!o.empty() && o.back() == '/') o.pop_back();
  return o;
}

bool HasHeader(const HttpResponse& r, const char* name) {
  for (const auto& h : r.headers)
    if (AsciiLower(h.first) == name) return true;
  return false;
}

// Header values must not smuggle new lines into the response.
bool Clean(const std::string& v) {
  for (char c : v)
    if (c == '\r' || c == '\n' || c == '\0') return false;
  return true;
}

}  // namespace

CorsPolicy::CorsPolicy(const std::vector<std::string>& origins, bool credentials)
    : credentials_(credentials) {
  for (auto& o : origins) {
    if (o == "*") any_ = true;
    else origins_.push_back(Normalize(o));
  }
}

bool CorsPolicy::OriginAllowed(const std::string& origin) const {
  if (origin.empty() || !Clean(origin)) return false;
  if (any_) return true;
  std::string o = Normalize(origin);
  for (const auto& a : origins_) {
    if (a == o) return true;
    // "https://*.example.com": any subdomain, same scheme.
    size_t star = a.find("://*.");
    if (star != std::string::npos) {
      std::string scheme = a.substr(0, star + 3), suffix = a.substr(star + 4);
      if (o.compare(0, scheme.size(), scheme) == 0 && o.size() > scheme.size() + suffix.size() &&
          o.compare(o.size() - suffix.size(), suffix.size(), suffix) == 0 &&
          o.find('/', scheme.size()) == std::string::npos)
        return true;
    }
  }
  return false;
}

std::string CorsPolicy::AllowOriginValue(const std::string& origin) const {
  if (any_ && !credentials_) return "*";
  return origin;
}

bool CorsPolicy::HandlePreflight(const HttpRequest& req, HttpResponse* out) const {
  if (!enabled() || req.method != "OPTIONS") return false;
  std::string origin = req.Header("origin");
  std::string method = req.Header("access-control-request-method");
  if (origin.empty() || method.empty()) return false;
  *out = EmptyResponse(204);
  out->headers.emplace_back("Vary", "Origin");
  if (!OriginAllowed(origin) || !Clean(method)) return true;
  out->headers.emplace_back("Access-Control-Allow-Origin", AllowOriginValue(origin));
  if (credentials_) out->headers.emplace_back("Access-Control-Allow-Credentials", "true");
  out->headers.emplace_back("Access-Control-Allow-Methods", method);
  std::string hdrs = req.Header("access-control-request-headers");
  if (!hdrs.empty() && Clean(hdrs)) out->headers.emplace_back("Access-Control-Allow-Headers", hdrs);
  return true;
}

void CorsPolicy::Decorate(const HttpRequest& req, HttpResponse* resp) const {
  DecorateForOrigin(req.Header("origin"), resp);
}

std::function<void(HttpResponse*)> CorsPolicy::DecoratorFor(const HttpRequest& req) const {
  return [this, origin = req.Header("origin")](HttpResponse* resp) {
    DecorateForOrigin(origin, resp);
  };
}

void CorsPolicy::DecorateForOrigin(const std::string& origin, HttpResponse* resp) const {
  if (!enabled()) return;
  bool vary = false;
  for (auto& h : resp->headers)
    if (AsciiLower(h.first) == "vary") {
      vary = true;
      std::string v = AsciiLower(h.second);
      if (v != "*" && v.find("origin") == std::string::npos) h.second += ", Origin";
    }
  if (!vary) resp->headers.emplace_back("Vary", "Origin");
  if (!OriginAllowed(origin) || HasHeader(*resp, "access-control-allow-origin")) return;
  resp->headers.emplace_back("Access-Control-Allow-Origin", AllowOriginValue(origin));
  if (credentials_) resp->headers.emplace_back("Access-Control-Allow-Credentials", "true");
}

}  // namespace pyfn
