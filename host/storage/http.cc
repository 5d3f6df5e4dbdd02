#include "host/storage/http.h"

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <thread>

#include "host/storage/encoding.h"
#include "host/storage/xml.h"

namespace pyfn {
namespace storage {

namespace {

const std::string* FindHeader(const HttpHeaders& headers, std::string_view name) {
  for (const auto& h : headers) {
    if (EqualsIgnoreCase(h.first, name)) return &h.second;
  }
  return nullptr;
}

}  // namespace

const std::string* HttpRequest::Header(std::string_view name) const {
  return FindHeader(headers, name);
}

void HttpRequest::SetHeader(const std::string& name, std::string value) {
  headers.erase(std::remove_if(headers.begin(), headers.end(),
                               [&](const auto& h) { return EqualsIgnoreCase(h.first, name); }),
                headers.end());
  headers.emplace_back(name, std::move(value));
}

const std::string* HttpResponse::Header(std::string_view name) const {
  return FindHeader(headers, name);
}

std::string HttpResponse::HeaderOr(std::string_view name, const std::string& fallback) const {
  const std::string* v = Header(name);
  return v ? *v : fallback;
}

bool IsRetriableHttpStatus(int status) {
  return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 ||
         status == 504;
}

RetryingTransport::RetryingTransport(HttpTransport* inner, RetryOptions options, SleepFn sleep,
                                     uint64_t seed)
    : inner_(inner),
      options_(options),
      sleep_(std::move(sleep)),
      rng_(seed ? seed : std::random_device{}()) {
  if (!sleep_) sleep_ = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
}

std::chrono::milliseconds RetryingTransport::Backoff(int attempt, const HttpResponse* resp) {
  int64_t delay = options_.base_delay.count();
  for (int i = 1; i < attempt && delay < options_.max_delay.count(); ++i) delay *= 2;
  delay = std::min<int64_t>(delay, options_.max_delay.count());
  int64_t wait;
  {
    MutexLock lock(mu_);
    std::uniform_int_distribution<int64_t> dist(delay / 2, delay);
    wait = dist(rng_);
  }
  if (resp != nullptr) {
    const std::string* ra = resp->Header("retry-after");
    if (ra != nullptr) {
      char* end = nullptr;
      long secs = std::strtol(ra->c_str(), &end, 10);
      if (end != ra->c_str() && secs > 0) {
        wait = std::max<int64_t>(wait, std::min<int64_t>(secs * 1000, options_.max_delay.count()));
      }
    }
  }
  return std::chrono::milliseconds(wait);
}

Status RetryingTransport::Send(const HttpRequest& req, HttpResponse* resp) {
  Status s;
  for (int attempt = 1;; ++attempt) {
    *resp = HttpResponse();
    s = inner_->Send(req, resp);
    bool retry = s.ok() ? IsRetriableHttpStatus(resp->status) : s.IsNetworkError();
    if (!retry || attempt >= options_.max_attempts) return s;
    sleep_(Backoff(attempt, s.ok() ? resp : nullptr));
  }
}

Status ErrorFromResponse(const std::string& context, const HttpResponse& resp) {
  std::string code = resp.HeaderOr("x-ms-error-code");
  std::string message;
  XmlElement root;
  size_t first = resp.body.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && resp.body[first] == '{') {
    // The Table service answers JSON: {"odata.error": {"code": ..., "message":
    // {"lang": ..., "value": ...}}}.
    nlohmann::json j = nlohmann::json::parse(resp.body, nullptr, false);
    const nlohmann::json* e = nullptr;
    if (j.is_object() && j.contains("odata.error")) e = &j["odata.error"];
    if (e != nullptr && e->is_object()) {
      if (code.empty() && e->contains("code") && (*e)["code"].is_string())
        code = (*e)["code"].get<std::string>();
      if (e->contains("message")) {
        const nlohmann::json& m = (*e)["message"];
        if (m.is_string()) message = m.get<std::string>();
        else if (m.is_object() && m.contains("value") && m["value"].is_string())
          message = m["value"].get<std::string>();
      }
    }
  } else if (!resp.body.empty() && ParseXml(resp.body, &root).ok() && root.name == "Error") {
    if (code.empty()) code = root.ChildText("Code");
    message = root.ChildText("Message");
  }
  // Azure puts the request id and time on further lines; the first is enough.
  size_t nl = message.find('\n');
  if (nl != std::string::npos) message.resize(nl);
  while (!message.empty() && (message.back() == '\r' || message.back() == ' '))
    message.pop_back();
  std::string text = context + ": " + std::to_string(resp.status);
  if (!code.empty()) text += " " + code;
  if (!message.empty()) text += ": " + message;
  return Status::FromHttp(resp.status, code, text);
}

}  // namespace storage
}  // namespace pyfn
