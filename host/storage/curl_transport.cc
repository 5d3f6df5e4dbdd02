#include "curl_transport.h"

#include <curl/curl.h>

#include <cstdlib>
#include <cstring>

#include "encoding.h"

namespace pyfn {
namespace storage {

namespace {

std::once_flag g_curl_init;

size_t OnBody(char* data, size_t size, size_t nmemb, void* user) {
  static_cast<HttpResponse*>(user)->body.append(data, size * nmemb);
  return size * nmemb;
}

size_t OnHeader(char* data, size_t size, size_t nmemb, void* user) {
  auto* resp = static_cast<HttpResponse*>(user);
  size_t n = size * nmemb;
  std::string line(data, n);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  if (line.compare(0, 5, "HTTP/") == 0) {
    // A new status line (after 100 Continue): forget earlier headers.
    resp->headers.clear();
    return n;
  }
  size_t colon = line.find(':');
  if (colon == std::string::npos) return n;
  std::string value = line.substr(colon + 1);
  size_t b = value.find_first_not_of(" \t");
  value = b == std::string::npos ? std::string() : value.substr(b);
  resp->headers.emplace_back(ToLower(line.substr(0, colon)), std::move(value));
  return n;
}

// Loopback never goes through a proxy, whatever http_proxy says; the rest of
// the user's no_proxy list is kept.
std::string NoProxyList() {
  std::string list = "localhost,127.0.0.1,::1";
  for (const char* name : {"no_proxy", "NO_PROXY"}) {
    const char* v = std::getenv(name);
    if (v != nullptr && *v != '\0') {
      list += ",";
      list += v;
      break;
    }
  }
  return list;
}

}  // namespace

CurlTransport::CurlTransport(CurlOptions options) : options_(options) {
  std::call_once(g_curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

CurlTransport::~CurlTransport() {
  for (void* h : idle_) curl_easy_cleanup(static_cast<CURL*>(h));
}

void* CurlTransport::Acquire() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      void* h = idle_.back();
      idle_.pop_back();
      return h;
    }
  }
  return curl_easy_init();
}

void CurlTransport::Release(void* handle) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (idle_.size() < options_.max_idle_handles) {
      idle_.push_back(handle);
      return;
    }
  }
  curl_easy_cleanup(static_cast<CURL*>(handle));
}

Status CurlTransport::Send(const HttpRequest& req, HttpResponse* resp) {
  *resp = HttpResponse();
  CURL* curl = static_cast<CURL*>(Acquire());
  if (curl == nullptr) return Status::NetworkError("curl_easy_init failed");
  // reset keeps the connection cache: that is the keep-alive reuse.
  curl_easy_reset(curl);

  char errbuf[CURL_ERROR_SIZE];
  errbuf[0] = '\0';
  static const std::string no_proxy = NoProxyList();

  curl_easy_setopt(curl, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.request_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(curl, CURLOPT_NOPROXY, no_proxy.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, resp);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, resp);

  bool has_body = !req.body.empty() || req.method == "PUT" || req.method == "POST";
  if (req.method == "GET") {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else if (req.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, req.method.c_str());
  }
  if (has_body) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, req.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
  }

  curl_slist* headers = nullptr;
  bool has_content_type = false;
  for (const auto& h : req.headers) {
    if (EqualsIgnoreCase(h.first, "content-length")) continue;  // curl computes it
    if (EqualsIgnoreCase(h.first, "content-type")) has_content_type = true;
    std::string line = h.second.empty() ? h.first + ";" : h.first + ": " + h.second;
    headers = curl_slist_append(headers, line.c_str());
  }
  // Headers curl would add on its own are part of what Shared Key signs, so
  // none may appear that the signer did not see.
  headers = curl_slist_append(headers, "Expect:");
  if (has_body && !has_content_type) headers = curl_slist_append(headers, "Content-Type:");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);

  CURLcode rc = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  ++requests_sent_;
  long connects = 0;
  if (curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &connects) == CURLE_OK && connects > 0) {
    connections_opened_ += static_cast<uint64_t>(connects);
  }
  Status s;
  if (rc != CURLE_OK) {
    std::string msg = curl_easy_strerror(rc);
    if (errbuf[0] != '\0') msg += std::string(": ") + errbuf;
    s = Status::NetworkError(msg);
    // A failed handle may hold a broken connection; do not pool it.
    curl_easy_cleanup(curl);
    return s;
  }
  long code = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  resp->status = static_cast<int>(code);
  Release(curl);
  return s;
}

}  // namespace storage
}  // namespace pyfn
