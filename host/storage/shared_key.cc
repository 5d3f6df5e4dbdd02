#include "host/storage/shared_key.h"

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include "host/storage/encoding.h"

namespace pyfn {
namespace storage {

const char kStorageApiVersion[] = "2021-12-02";

namespace {

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return std::string();
  size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

std::string HeaderValue(const HttpRequest& req, const char* name) {
  const std::string* v = req.Header(name);
  return v ? *v : std::string();
}

// A request URL's path ("/" when it has none) and its query parameters in
// order, names lower-cased and both decoded: what the two Shared Key schemes
// canonicalize.
struct UrlResource {
  std::string path = "/";
  std::vector<std::pair<std::string, std::string>> params;
};

UrlResource SplitResource(const std::string& url) {
  UrlResource r;
  size_t host_start = url.find("://");
  host_start = host_start == std::string::npos ? 0 : host_start + 3;
  size_t path_start = url.find_first_of("/?", host_start);
  if (path_start == std::string::npos) return r;
  size_t q = url.find('?', path_start);
  if (url[path_start] == '/')
    r.path = url.substr(path_start, q == std::string::npos ? std::string::npos : q - path_start);
  if (q == std::string::npos) return r;
  const std::string query = url.substr(q + 1);
  size_t pos = 0;
  while (pos < query.size()) {
    size_t amp = query.find('&', pos);
    if (amp == std::string::npos) amp = query.size();
    std::string item = query.substr(pos, amp - pos);
    pos = amp + 1;
    if (item.empty()) continue;
    size_t eq = item.find('=');
    r.params.emplace_back(ToLower(UrlDecode(item.substr(0, eq))),
                          eq == std::string::npos ? std::string() : UrlDecode(item.substr(eq + 1)));
  }
  return r;
}

}  // namespace

std::string CanonicalizedResource(const std::string& account, const std::string& url) {
  UrlResource r = SplitResource(url);
  std::string out = "/" + account + r.path;
  std::map<std::string, std::vector<std::string>> params;
  for (auto& [name, value] : r.params) params[name].push_back(std::move(value));
  for (auto& p : params) {
    std::sort(p.second.begin(), p.second.end());
    out += "\n" + p.first + ":";
    for (size_t i = 0; i < p.second.size(); ++i) {
      if (i) out += ",";
      out += p.second[i];
    }
  }
  return out;
}

std::string CanonicalizedHeaders(const HttpHeaders& headers) {
  std::vector<std::pair<std::string, std::string>> ms;
  for (const auto& h : headers) {
    std::string name = ToLower(Trim(h.first));
    if (name.compare(0, 5, "x-ms-") == 0) ms.emplace_back(name, Trim(h.second));
  }
  std::stable_sort(ms.begin(), ms.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out;
  for (const auto& h : ms) out += h.first + ":" + h.second + "\n";
  return out;
}

std::string SharedKeyStringToSign(const std::string& account, const HttpRequest& req) {
  std::string content_length = HeaderValue(req, "Content-Length");
  if (content_length.empty() && !req.body.empty()) content_length = std::to_string(req.body.size());
  if (content_length == "0") content_length.clear();
  std::string s = req.method + "\n";
  s += HeaderValue(req, "Content-Encoding") + "\n";
  s += HeaderValue(req, "Content-Language") + "\n";
  s += content_length + "\n";
  s += HeaderValue(req, "Content-MD5") + "\n";
  s += HeaderValue(req, "Content-Type") + "\n";
  s += HeaderValue(req, "Date") + "\n";
  s += HeaderValue(req, "If-Modified-Since") + "\n";
  s += HeaderValue(req, "If-Match") + "\n";
  s += HeaderValue(req, "If-None-Match") + "\n";
  s += HeaderValue(req, "If-Unmodified-Since") + "\n";
  s += HeaderValue(req, "Range") + "\n";
  s += CanonicalizedHeaders(req.headers);
  s += CanonicalizedResource(account, req.url);
  return s;
}

void SignSharedKey(const std::string& account, const std::string& key, HttpRequest* req) {
  std::string signature = Base64Encode(HmacSha256(key, SharedKeyStringToSign(account, *req)));
  req->SetHeader("Authorization", "SharedKey " + account + ":" + signature);
}

std::string TableSharedKeyStringToSign(const std::string& account, const HttpRequest& req) {
  std::string date = HeaderValue(req, "x-ms-date");
  if (date.empty()) date = HeaderValue(req, "Date");
  std::string s = req.method + "\n" + HeaderValue(req, "Content-MD5") + "\n" +
                  HeaderValue(req, "Content-Type") + "\n" + date + "\n";
  UrlResource r = SplitResource(req.url);
  s += "/" + account + r.path;
  for (const auto& [name, value] : r.params) {
    if (name == "comp") {
      s += "?comp=" + value;
      break;
    }
  }
  return s;
}

std::string AppendSas(const std::string& url, const std::string& sas) {
  if (sas.empty()) return url;
  return url + (url.find('?') == std::string::npos ? "?" : "&") + sas;
}

void AuthorizeRequest(const StorageAccount& account, int64_t now_unix, HttpRequest* req,
                      SigningScheme scheme) {
  req->SetHeader("x-ms-date", FormatRfc1123(now_unix));
  req->SetHeader("x-ms-version", kStorageApiVersion);
  if (!account.sas.empty()) {
    req->url = AppendSas(req->url, account.sas);
  } else if (account.has_key() && scheme == SigningScheme::kTable) {
    std::string signature =
        Base64Encode(HmacSha256(account.key, TableSharedKeyStringToSign(account.name, *req)));
    req->SetHeader("Authorization", "SharedKey " + account.name + ":" + signature);
  } else if (account.has_key()) {
    SignSharedKey(account.name, account.key, req);
  }
}

}  // namespace storage
}  // namespace pyfn
