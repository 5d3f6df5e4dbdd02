#include "host/http/response_head.h"

#include <gtest/gtest.h>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

namespace pyfn {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;

// What Beast's serializer writes for `r` set up as the front door did before
// it built heads itself (insert each header, keep_alive, prepare_payload;
// HEAD: body dropped, Content-Length of the body that was not sent).
std::string BeastHead(const HttpResponse& r, unsigned version, bool keep_alive, bool head) {
  http::response<http::string_body> res;
  res.version(version);
  res.result(static_cast<unsigned>(r.status));
  for (const auto& h : r.headers) {
    http::field f = http::string_to_field(h.first);
    if (f != http::field::unknown) res.insert(f, h.second);
    else res.insert(h.first, h.second);
  }
  res.keep_alive(keep_alive);
  size_t n = r.body.size();
  res.body() = r.body;
  res.prepare_payload();
  if (head) {
    res.body().clear();
    res.content_length(n);
  }
  http::response_serializer<http::string_body> sr(res);
  std::string out;
  beast::error_code ec;
  sr.split(true);
  while (!sr.is_header_done()) {
    sr.next(ec, [&](beast::error_code&, const auto& buffers) {
      size_t total = 0;
      for (auto b : beast::buffers_range_ref(buffers)) {
        out.append(static_cast<const char*>(b.data()), b.size());
        total += b.size();
      }
      sr.consume(total);
    });
    EXPECT_FALSE(ec) << ec.message();
  }
  return out;
}

std::string OurHead(const HttpResponse& r, unsigned version, bool keep_alive) {
  std::string out;
  WriteResponseHead(r, version, keep_alive, r.body.size(), &out);
  return out;
}

TEST(ResponseHead, MatchesBeastForTypicalAnswers) {
  HttpResponse ok;
  ok.headers = {{"content-type", "text/plain; charset=utf-8"}, {"X-Custom", "  padded\t"},
                {"set-cookie", "a=1"}, {"Set-Cookie", "b=2"}};
  ok.body = "Hello, pyfn";
  for (unsigned version : {10u, 11u})
    for (bool keep : {true, false})
      EXPECT_EQ(OurHead(ok, version, keep), BeastHead(ok, version, keep, false))
          << version << " " << keep;
}

TEST(ResponseHead, MatchesBeastForStatusesWithoutBodyAndUnknownOnes) {
  for (int status : {204, 304, 404, 429, 299, 599, 999}) {
    HttpResponse r = EmptyResponse(status);
    if (status == 429) r.headers.emplace_back("Retry-After", "1");
    EXPECT_EQ(OurHead(r, 11, true), BeastHead(r, 11, true, false)) << status;
  }
}

TEST(ResponseHead, ContentLengthFromTheHandlerIsReplaced) {
  HttpResponse r;
  r.headers = {{"Content-Length", "999"}, {"Content-Type", "application/json"}};
  r.body = "{}";
  EXPECT_EQ(OurHead(r, 11, true), BeastHead(r, 11, true, false));
  EXPECT_EQ(OurHead(r, 11, true),
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n");
}

TEST(ResponseHead, HeadAnnouncesTheLengthOfTheBodyNotSent) {
  HttpResponse r;
  r.headers = {{"Content-Type", "text/html"}};
  r.body = std::string(1234, 'x');
  std::string ours;
  WriteResponseHead(r, 11, true, r.body.size(), &ours);
  EXPECT_EQ(ours, BeastHead(r, 11, true, true));
}

}  // namespace
}  // namespace pyfn
