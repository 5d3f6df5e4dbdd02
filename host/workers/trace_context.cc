#include "host/workers/trace_context.h"

#include <cstring>
#include <random>

namespace pyfn {
namespace {

std::mt19937_64& Rng() {
  thread_local std::mt19937_64 rng([] {
    std::random_device rd;
    std::seed_seq seq{rd(), rd(), rd(), rd(), rd(), rd()};
    return std::mt19937_64(seq);
  }());
  return rng;
}

// Bit 0: a lower-case hex digit; bit 1: one other than '0'.
struct HexClass {
  unsigned char of[256] = {};
  constexpr HexClass() {
    of[static_cast<unsigned char>('0')] = 1;
    for (char c = '1'; c <= '9'; ++c) of[static_cast<unsigned char>(c)] = 3;
    for (char c = 'a'; c <= 'f'; ++c) of[static_cast<unsigned char>(c)] = 3;
  }
};
constexpr HexClass kHexClass;

// s[from, from+n) is lower-case hex; *all_zero when every digit is '0'.
bool IsLowerHex(const std::string& s, size_t from, size_t n, bool* all_zero) {
  if (from + n > s.size()) return false;
  unsigned any = 0, all = 3;
  for (size_t i = from; i < from + n; ++i) {
    const unsigned c = kHexClass.of[static_cast<unsigned char>(s[i])];
    any |= c;
    all &= c;
  }
  *all_zero = (any & 2) == 0;
  return (all & 1) != 0;
}

bool AllZero(const char* p, size_t n) {
  for (size_t i = 0; i < n; ++i)
    if (p[i] != '0') return false;
  return true;
}

}  // namespace

void FillRandomHex(char* out, size_t n) {
  // Two digits per byte of a 64-bit draw, from a table.
  static const struct Table {
    char pairs[256][2];
    Table() {
      static const char kHex[] = "0123456789abcdef";
      for (int b = 0; b < 256; ++b) {
        pairs[b][0] = kHex[b >> 4];
        pairs[b][1] = kHex[b & 0xf];
      }
    }
  } table;
  auto& rng = Rng();
  for (; n >= 16; n -= 16) {
    uint64_t bits = rng();
    for (int i = 0; i < 8; ++i, bits >>= 8, out += 2) std::memcpy(out, table.pairs[bits & 0xff], 2);
  }
  while (n > 0) {
    uint64_t bits = rng();
    for (int i = 0; i < 8 && n > 0; ++i, bits >>= 8) {
      const char* pair = table.pairs[bits & 0xff];
      *out++ = pair[0];
      if (--n == 0) break;
      *out++ = pair[1];
      --n;
    }
  }
}

std::string RandomHex(size_t n) {
  std::string out(n, '0');
  FillRandomHex(out.data(), n);
  return out;
}

bool IsValidTraceparent(const std::string& tp) {
  // vv-tttttttttttttttttttttttttttttttt-pppppppppppppppp-ff
  if (tp.size() < 55) return false;
  bool zero;
  if (!IsLowerHex(tp, 0, 2, &zero) || tp.compare(0, 2, "ff") == 0) return false;
  if (tp[2] != '-' || tp[35] != '-' || tp[52] != '-') return false;
  if (!IsLowerHex(tp, 3, 32, &zero) || zero) return false;
  if (!IsLowerHex(tp, 36, 16, &zero) || zero) return false;
  if (!IsLowerHex(tp, 53, 2, &zero)) return false;
  if (tp.compare(0, 2, "00") == 0) return tp.size() == 55;
  return tp.size() == 55 || tp[55] == '-';
}

std::string NewTraceparent() {
  // "00-" trace(32) "-" span(16) "-01"; neither id may be all zeros.
  std::string tp = "00-________________________________-________________-01";
  do FillRandomHex(tp.data() + 3, 32);
  while (AllZero(tp.data() + 3, 32));
  do FillRandomHex(tp.data() + 36, 16);
  while (AllZero(tp.data() + 36, 16));
  return tp;
}

std::string ContinueTraceparent(const std::string& incoming) {
  return IsValidTraceparent(incoming) ? incoming : NewTraceparent();
}

std::string NewUuid() {
  // xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx, V one of 8 9 a b (RFC 4122 version 4).
  char h[32];
  FillRandomHex(h, 32);
  h[12] = '4';
  static const char kVariant[] = "89ab";
  h[16] = kVariant[(h[16] >= 'a' ? h[16] - 'a' + 10 : h[16] - '0') & 3];
  std::string u(36, '-');
  std::memcpy(&u[0], h, 8);
  std::memcpy(&u[9], h + 8, 4);
  std::memcpy(&u[14], h + 12, 4);
  std::memcpy(&u[19], h + 16, 4);
  std::memcpy(&u[24], h + 20, 12);
  return u;
}

}  // namespace pyfn
