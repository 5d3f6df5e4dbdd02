#include "host/http/response_head.h"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>

#include "host/common/strings.h"

namespace pyfn {
namespace {

namespace http = boost::beast::http;

std::string_view TrimBlanks(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

void AppendUnsigned(size_t n, std::string* out) {
  char buf[24];
  char* p = buf + sizeof buf;
  do {
    *--p = static_cast<char>('0' + n % 10);
    n /= 10;
  } while (n != 0);
  out->append(p, static_cast<size_t>(buf + sizeof buf - p));
}

}  // namespace

void WriteResponseHead(const HttpResponse& response, unsigned version, bool keep_alive,
                       size_t content_length, std::string* out) {
  out->clear();
  out->append("HTTP/");
  out->push_back(static_cast<char>('0' + version / 10));
  out->push_back('.');
  out->push_back(static_cast<char>('0' + version % 10));
  out->push_back(' ');
  unsigned status = static_cast<unsigned>(response.status);
  out->push_back(static_cast<char>('0' + status / 100 % 10));
  out->push_back(static_cast<char>('0' + status / 10 % 10));
  out->push_back(static_cast<char>('0' + status % 10));
  out->push_back(' ');
  std::string_view reason = http::obsolete_reason(http::int_to_status(status));
  out->append(reason.data(), reason.size());
  out->append("\r\n");
  for (const auto& h : response.headers) {
    http::field f = http::string_to_field(h.first);
    if (f == http::field::content_length) continue;  // replaced below
    std::string_view name = f == http::field::unknown ? std::string_view(h.first)
                                                      : std::string_view(http::to_string(f));
    std::string_view value = TrimBlanks(h.second);
    out->append(name.data(), name.size());
    out->append(": ");
    out->append(value.data(), value.size());
    out->append("\r\n");
  }
  if (version >= 11 && !keep_alive) out->append("Connection: close\r\n");
  if (version < 11 && keep_alive) out->append("Connection: keep-alive\r\n");
  out->append("Content-Length: ");
  AppendUnsigned(content_length, out);
  out->append("\r\n\r\n");
}

}  // namespace pyfn
