// Buf: an OTLP request body being written (otlp_json.cc, otlp_proto.cc).
//
// A std::string grown ahead (doubling) and written through a cursor, so that
// each piece costs one bounds check and a copy (a std::string append is an
// out-of-line call per piece). Made with the size the caller expects the body
// to take (that much is zeroed once); Take() hands the text over.
#ifndef PYFN_HOST_TELEMETRY_OTLP_BUFFER_H_
#define PYFN_HOST_TELEMETRY_OTLP_BUFFER_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

namespace pyfn {
namespace telemetry {

class Buf {
 public:
  explicit Buf(size_t reserve) { Reset(reserve, 0); }
  void append(const char* data, size_t n) {
    if (n > static_cast<size_t>(end_ - p_)) Grow(n);
    Copy(p_, data, n);
    p_ += n;
  }
  void append(std::string_view v) { append(v.data(), v.size()); }
  void push_back(char c) {
    if (p_ == end_) Grow(1);
    *p_++ = c;
  }
  Buf& operator+=(std::string_view v) {
    append(v);
    return *this;
  }
  // Room for n bytes at the cursor; Advance(to) after writing them.
  char* Room(size_t n) {
    if (n > static_cast<size_t>(end_ - p_)) Grow(n);
    return p_;
  }
  void Advance(char* to) { p_ = to; }
  std::string Take() {
    s_.resize(static_cast<size_t>(p_ - s_.data()));
    return std::move(s_);
  }

 private:
  // memcpy, without a call for the short pieces most are (ids, names, keys).
  static void Copy(char* to, const char* from, size_t n) {
    if (n > 16) {
      std::memcpy(to, from, n);
    } else if (n >= 8) {  // two words, overlapping when n < 16
      uint64_t a, b;
      std::memcpy(&a, from, 8);
      std::memcpy(&b, from + n - 8, 8);
      std::memcpy(to, &a, 8);
      std::memcpy(to + n - 8, &b, 8);
    } else if (n >= 4) {
      uint32_t a, b;
      std::memcpy(&a, from, 4);
      std::memcpy(&b, from + n - 4, 4);
      std::memcpy(to, &a, 4);
      std::memcpy(to + n - 4, &b, 4);
    } else if (n > 0) {  // 1-3 bytes: first, middle, last
      to[0] = from[0];
      to[n / 2] = from[n / 2];
      to[n - 1] = from[n - 1];
    }
  }

  void Reset(size_t size, size_t used) {
    s_.resize(size);
    p_ = s_.data() + used;
    end_ = s_.data() + s_.size();
  }
  void Grow(size_t n) {
    const size_t used = static_cast<size_t>(p_ - s_.data());
    Reset(std::max(2 * s_.size(), used + n), used);
  }

  std::string s_;
  char* p_ = nullptr;
  char* end_ = nullptr;
};

}  // namespace telemetry
}  // namespace pyfn

#endif  // PYFN_HOST_TELEMETRY_OTLP_BUFFER_H_
