#include "host/common/text_encoding.h"

#include <cstdint>
#include <cstring>
#include <vector>

namespace pyfn {
namespace {

// Length of the well-formed UTF-8 sequence at s[i], or 0 when the bytes there
// are ill-formed; *bad_len is then the length of the maximal ill-formed
// subpart (at least 1), which is what gets replaced.
size_t SequenceAt(std::string_view s, size_t i, size_t* bad_len) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  *bad_len = 1;
  if (c < 0x80) return 1;
  size_t len;
  unsigned char lo = 0x80, hi = 0xBF;  // range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;        // no overlong forms
    if (c == 0xED) hi = 0x9F;        // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;        // no overlong forms
    if (c == 0xF4) hi = 0x8F;        // nothing above U+10FFFF
  } else {
    return 0;  // 0x80..0xC1, 0xF5..0xFF never start a sequence
  }
  for (size_t k = 1; k < len; ++k) {
    // A sequence cut short, or a byte that cannot continue it: the bytes read
    // so far are one maximal subpart.
    if (i + k >= s.size()) {
      *bad_len = k;
      return 0;
    }
    unsigned char x = b(i + k);
    bool ok = k == 1 ? (x >= lo && x <= hi) : (x >= 0x80 && x <= 0xBF);
    if (!ok) {
      *bad_len = k;
      return 0;
    }
  }
  return len;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %XX escapes decoded (and '+' as a space when plus_is_space); malformed
// escapes stay as written. *origin, when given, gets per decoded byte the index
// of its '%' in s, or npos for a byte taken as is.
std::string PercentDecodeBytes(std::string_view s, bool plus_is_space,
                               std::vector<size_t>* origin) {
  std::string bytes;
  bytes.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 &&
        HexValue(s[i + 2]) >= 0) {
      bytes += static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
      if (origin) origin->push_back(i);
      i += 2;
    } else {
      bytes += plus_is_space && s[i] == '+' ? ' ' : s[i];
      if (origin) origin->push_back(std::string_view::npos);
    }
  }
  return bytes;
}

constexpr char kReplacement[] = "\xEF\xBF\xBD";

}  // namespace

bool IsValidUtf8(std::string_view s) {
  size_t i = 0, bad;
  // ASCII, eight bytes at a time (most targets and header values are).
  while (i + 8 <= s.size()) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    if (w & 0x8080808080808080ull) break;
    i += 8;
  }
  while (i < s.size()) {
    size_t n = SequenceAt(s, i, &bad);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string ToValidUtf8(std::string_view s) {
  if (IsValidUtf8(s)) return std::string(s);
  std::string out;
  out.reserve(s.size() + 8);
  size_t i = 0, bad;
  while (i < s.size()) {
    size_t n = SequenceAt(s, i, &bad);
    if (n == 0) {
      out += kReplacement;
      i += bad;
    } else {
      out.append(s.data() + i, n);
      i += n;
    }
  }
  return out;
}

void MakeValidUtf8(std::string* s) {
  if (!IsValidUtf8(*s)) *s = ToValidUtf8(*s);
}

std::string PercentDecodeUtf8(std::string_view s, bool plus_is_space) {
  // The common case (the result is UTF-8) decodes once; only an invalid
  // result decodes again, remembering where each byte came from so that an
  // escape that is not UTF-8 can be written back as its three characters.
  std::string bytes = PercentDecodeBytes(s, plus_is_space, nullptr);
  if (IsValidUtf8(bytes)) return bytes;
  std::vector<size_t> origin;  // per decoded byte: index of its '%' in s, or npos
  PercentDecodeBytes(s, plus_is_space, &origin);
  bool any_escape = false;
  for (size_t o : origin) any_escape = any_escape || o != std::string_view::npos;
  if (!any_escape) return ToValidUtf8(bytes);
  std::string out;
  out.reserve(s.size());
  size_t i = 0, bad;
  while (i < bytes.size()) {
    size_t n = SequenceAt(bytes, i, &bad);
    if (n != 0) {
      out.append(bytes, i, n);
      i += n;
      continue;
    }
    for (size_t k = i; k < i + bad; ++k) {
      if (origin[k] == std::string_view::npos) out += kReplacement;
      else out.append(s.data() + origin[k], 3);
    }
    i += bad;
  }
  return out;
}

}  // namespace pyfn
