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

#include "host/common/proto_wire.h"

namespace pyfn {
namespace telemetry {

class Buf {
 public:
  explicit Buf(size_t reserve) { Reset(reserve, 0); }
  void append(const char* data, size_t n) {
    if (n > static_cast<size_t>(end_ - p_)) Grow(n);
    wire::CopyBytes(p_, data, n);
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
