#include "host/workers/trace_context.h"

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

bool IsLowerHex(const std::string& s, size_t from, size_t n, bool* all_zero) {
  if (from + n > s.size()) return false;
  *all_zero = true;
  for (size_t i = from; i < from + n; ++i) {
    char c = s[i];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    if (c != '0') *all_zero = false;
  }
  return true;
}

}  // namespace

std::string RandomHex(size_t n) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(n);
  uint64_t bits = 0;
  int left = 0;
  for (size_t i = 0; i < n; ++i) {
    if (left == 0) {
      bits = Rng()();
      left = 16;
    }
    out += kHex[bits & 0xf];
    bits >>= 4;
    --left;
  }
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
  std::string trace, span;
  do trace = RandomHex(32);
  while (trace.find_first_not_of('0') == std::string::npos);
  do span = RandomHex(16);
  while (span.find_first_not_of('0') == std::string::npos);
  return "00-" + trace + "-" + span + "-01";
}

std::string ContinueTraceparent(const std::string& incoming) {
  return IsValidTraceparent(incoming) ? incoming : NewTraceparent();
}

std::string NewUuid() {
  std::string h = RandomHex(32);
  h[12] = '4';
  static const char kVariant[] = "89ab";
  h[16] = kVariant[(h[16] >= 'a' ? h[16] - 'a' + 10 : h[16] - '0') & 3];
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

}  // namespace pyfn
