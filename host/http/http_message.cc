#include "host/http/http_message.h"

#include "host/common/text_encoding.h"

namespace pyfn {

void HttpRequest::SetTarget(std::string t) {
  target = std::move(t);
  SplitTarget(target, &path, &query);
  query_params = ParseQuery(query);
}

std::string HttpRequest::Header(std::string_view lower_name) const {
  for (const auto& h : headers) {
    if (h.first.size() != lower_name.size()) continue;
    bool same = true;
    for (size_t i = 0; i < lower_name.size() && same; ++i) {
      char c = h.first[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      same = c == lower_name[i];
    }
    if (same) return h.second;
  }
  return "";
}

HttpResponse EmptyResponse(int status) {
  HttpResponse r;
  r.status = status;
  return r;
}

HttpResponse TextResponse(int status, std::string text) {
  HttpResponse r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
  r.body = std::move(text);
  return r;
}

HttpResponse JsonResponse(int status, const nlohmann::json& j) {
  HttpResponse r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json; charset=utf-8");
  r.body = j.dump();
  return r;
}

void SplitTarget(const std::string& target, std::string* path, std::string* query) {
  size_t q = target.find('?');
  std::string p = target.substr(0, q);
  size_t hash = p.find('#');
  if (hash != std::string::npos) p = p.substr(0, hash);
  *path = p;
  if (q == std::string::npos) {
    query->clear();
  } else {
    *query = target.substr(q + 1);
    size_t h = query->find('#');
    if (h != std::string::npos) query->resize(h);
  }
}

std::map<std::string, std::string> ParseQuery(const std::string& query) {
  std::map<std::string, std::string> out;
  size_t start = 0;
  while (start <= query.size()) {
    size_t amp = query.find('&', start);
    std::string part =
        query.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
    if (!part.empty()) {
      size_t eq = part.find('=');
      std::string k = PercentDecodeUtf8(part.substr(0, eq), true);
      std::string v = eq == std::string::npos ? "" : PercentDecodeUtf8(part.substr(eq + 1), true);
      auto it = out.find(k);
      if (it == out.end()) out.emplace(k, v);
      else it->second += "," + v;
    }
    if (amp == std::string::npos) break;
    start = amp + 1;
  }
  return out;
}

}  // namespace pyfn
