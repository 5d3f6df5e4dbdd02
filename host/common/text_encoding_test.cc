#include "host/common/text_encoding.h"

#include <gtest/gtest.h>

#include <string>

namespace pyfn {
namespace {

std::string B(const char* s, size_t n) { return std::string(s, n); }

TEST(IsValidUtf8, AcceptsWellFormedText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x98\x80"));
  EXPECT_TRUE(IsValidUtf8(B("nul\0inside", 10)));
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF, the last code point
}

// What protobuf's validator rejects must be rejected here too, or a value we
// call valid would still break the worker's parse.
TEST(IsValidUtf8, RejectsWhatProtobufRejects) {
  EXPECT_FALSE(IsValidUtf8("\xFF"));
  EXPECT_FALSE(IsValidUtf8("\x80"));              // lone continuation byte
  EXPECT_FALSE(IsValidUtf8("\xC3"));              // cut short
  EXPECT_FALSE(IsValidUtf8("\xC0\x80"));          // overlong NUL
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));      // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate U+D800
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xF5\x80\x80\x80"));
}

TEST(ToValidUtf8, ReplacesEachMaximalSubpartWithOneReplacementCharacter) {
  const std::string r = "\xEF\xBF\xBD";
  EXPECT_EQ(ToValidUtf8("ok"), "ok");
  EXPECT_EQ(ToValidUtf8("a\xFF" "b"), "a" + r + "b");
  EXPECT_EQ(ToValidUtf8("\xE2\x82"), r);               // truncated 3-byte form: one
  EXPECT_EQ(ToValidUtf8("\xE2\x82" "x"), r + "x");
  EXPECT_EQ(ToValidUtf8("\xC0\x80"), r + r);            // C0 never starts a sequence
  EXPECT_EQ(ToValidUtf8("\xED\xA0\x80"), r + r + r);    // surrogate: ED then 2 strays
  EXPECT_EQ(ToValidUtf8("\xF0\x9F\x98"), r);
  EXPECT_TRUE(IsValidUtf8(ToValidUtf8(B("\xF8\x88\x80\x80\x80\xFE\xFF", 7))));
}

// Query names and values, route segments: escapes that decode to UTF-8 are
// decoded, the others stay as written (Uri.UnescapeDataString's rule).
TEST(PercentDecodeUtf8, DecodesUtf8AndKeepsOtherEscapes) {
  EXPECT_EQ(PercentDecodeUtf8("a%20b", false), "a b");
  EXPECT_EQ(PercentDecodeUtf8("a+b", false), "a+b");
  EXPECT_EQ(PercentDecodeUtf8("a+b", true), "a b");
  EXPECT_EQ(PercentDecodeUtf8("100%", false), "100%");
  EXPECT_EQ(PercentDecodeUtf8("%zz", false), "%zz");
  EXPECT_EQ(PercentDecodeUtf8("%C3%A9", false), "\xC3\xA9");
  EXPECT_EQ(PercentDecodeUtf8("%FF", true), "%FF");
  EXPECT_EQ(PercentDecodeUtf8("x%C3", true), "x%C3");          // cut short
  EXPECT_EQ(PercentDecodeUtf8("%C3%28", true), "%C3(");        // bad continuation
  EXPECT_EQ(PercentDecodeUtf8("%C0%80", true), "%C0%80");      // overlong
  EXPECT_EQ(PercentDecodeUtf8("%ED%A0%80", true), "%ED%A0%80");  // surrogate
  EXPECT_EQ(PercentDecodeUtf8("%e2%82%ac%FF", true), "\xE2\x82\xAC%FF");
}

TEST(PercentDecodeUtf8, RawBytesThatAreNotUtf8BecomeReplacementCharacters) {
  EXPECT_EQ(PercentDecodeUtf8("a\xFF%41", false), "a\xEF\xBF\xBD" "A");
  EXPECT_EQ(PercentDecodeUtf8("\xC3\xA9", false), "\xC3\xA9");
  // A raw lead byte finished by escaped continuation bytes is still UTF-8.
  EXPECT_EQ(PercentDecodeUtf8("\xC3%A9", false), "\xC3\xA9");
}

TEST(PercentDecodeUtf8, AlwaysGivesValidUtf8) {
  // Every two-byte escape sequence and raw byte pair, in both modes.
  const char* hex = "0123456789ABCDEF";
  for (int a = 0; a < 256; a += 7) {
    for (int b = 0; b < 256; b += 5) {
      std::string esc = std::string("%") + hex[a >> 4] + hex[a & 15] + "%" + hex[b >> 4] +
                        hex[b & 15];
      std::string raw{static_cast<char>(a), static_cast<char>(b)};
      EXPECT_TRUE(IsValidUtf8(PercentDecodeUtf8(esc, true))) << esc;
      EXPECT_TRUE(IsValidUtf8(PercentDecodeUtf8(raw, false))) << a << "," << b;
    }
  }
}

}  // namespace
}  // namespace pyfn
