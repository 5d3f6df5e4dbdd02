#include "host/http/http_proxy.h"

#include <gtest/gtest.h>

namespace pyfn {
namespace {

TEST(ParseHttpUri, TakesWhatWorkersAdvertise) {
  std::string host;
  int port = 0;
  ASSERT_TRUE(ParseHttpUri("http://127.0.0.1:41234/", &host, &port));
  EXPECT_EQ(host, "127.0.0.1");
  EXPECT_EQ(port, 41234);
  ASSERT_TRUE(ParseHttpUri("http://localhost:8080", &host, &port));  // Azure's worker form
  EXPECT_EQ(host, "127.0.0.1");
  EXPECT_EQ(port, 8080);
  ASSERT_TRUE(ParseHttpUri("http://[::1]:9000/x", &host, &port));
  EXPECT_EQ(host, "::1");
  EXPECT_EQ(port, 9000);
}

TEST(ParseHttpUri, RejectsWhatCannotBeConnectedTo) {
  std::string host;
  int port = 0;
  for (const char* bad : {"", "https://127.0.0.1:1/", "http://127.0.0.1/", "http://127.0.0.1:/",
                          "http://127.0.0.1:0/", "http://127.0.0.1:70000/", "http://127.0.0.1:8x/",
                          "http://example.com:80/", "ftp://127.0.0.1:21/"})
    EXPECT_FALSE(ParseHttpUri(bad, &host, &port)) << bad;
}

}  // namespace
}  // namespace pyfn
