#include "host/storage/encoding.h"

#include <gtest/gtest.h>

namespace pyfn {
namespace storage {
namespace {

TEST(EncodingTest, Base64RoundTripsRfc4648Vectors) {
  const char* plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
  const char* enc[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
  for (int i = 0; i < 7; ++i) {
    EXPECT_EQ(Base64Encode(plain[i]), enc[i]);
    std::string out;
    ASSERT_TRUE(Base64Decode(enc[i], &out)) << enc[i];
    EXPECT_EQ(out, plain[i]);
  }
}

TEST(EncodingTest, Base64RejectsMalformedText) {
  std::string out;
  EXPECT_FALSE(Base64Decode("Zm9", &out));
  EXPECT_FALSE(Base64Decode("Zm9v!A==", &out));
  EXPECT_FALSE(Base64Decode("Z===", &out));
  EXPECT_FALSE(Base64Decode("Zg==Zg==", &out));
  EXPECT_FALSE(Base64Decode("hello world", &out));
}

TEST(EncodingTest, HmacSha256Rfc4231Case2) {
  std::string mac = HmacSha256("Jefe", "what do ya want for nothing?");
  EXPECT_EQ(Base64Encode(mac), "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=");
}

TEST(EncodingTest, UrlEncodeKeepsUnreservedAndOptionallySlash) {
  EXPECT_EQ(UrlEncode("a b/c+d=é"), "a%20b%2Fc%2Bd%3D%C3%A9");
  EXPECT_EQ(UrlEncode("dir/a b.txt", true), "dir/a%20b.txt");
  EXPECT_EQ(UrlDecode("a%20b%2Fc%2Bd%3D%C3%A9"), "a b/c+d=é");
  EXPECT_EQ(UrlDecode("100%"), "100%");
}

TEST(EncodingTest, DatesFormatAndParse) {
  EXPECT_EQ(FormatRfc1123(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(FormatRfc1123(0), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(FormatIso8601(1709164800), "2024-02-29T00:00:00Z");
  int64_t t = 0;
  ASSERT_TRUE(ParseRfc1123("Fri, 09 Oct 2009 21:04:30 GMT", &t));
  EXPECT_EQ(FormatRfc1123(t), "Fri, 09 Oct 2009 21:04:30 GMT");
  EXPECT_FALSE(ParseRfc1123("2009-10-09T21:04:30Z", &t));
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
  int64_t y;
  unsigned m, d;
  CivilFromDays(-1, &y, &m, &d);
  EXPECT_EQ(y, 1969);
  EXPECT_EQ(m, 12u);
  EXPECT_EQ(d, 31u);
}

TEST(EncodingTest, GuidsAreVersion4AndDistinct) {
  std::string a = NewGuid(), b = NewGuid();
  EXPECT_EQ(a.size(), 36u);
  EXPECT_EQ(a[14], '4');
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace storage
}  // namespace pyfn
