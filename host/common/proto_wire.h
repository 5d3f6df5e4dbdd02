// Writing protobuf's wire format without message objects: the OTLP bodies
// (host/telemetry/otlp_proto.cc) and the InvocationRequests the host sends
// its workers (host/workers/invocation_wire.h, host/http/rpc_http_wire.h).
//
// A message is written in two passes: its size first (a length-delimited
// field's length comes before it), then its bytes. Every field number written
// here is below 16, so every tag is one byte.
#ifndef PYFN_HOST_COMMON_PROTO_WIRE_H_
#define PYFN_HOST_COMMON_PROTO_WIRE_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace pyfn {
namespace wire {

enum : uint32_t { kVarint = 0, kFixed64 = 1, kLen = 2 };

inline size_t VarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

// A length-delimited field of `n` bytes, tag and length included.
inline size_t LenField(size_t n) { return 1 + VarintSize(n) + n; }

// A map<string, string> entry (key 1, value 2) with its own tag and length.
inline size_t StringPairField(size_t key, size_t value) {
  return LenField(LenField(key) + LenField(value));
}

// memcpy, without a call for the short pieces most are (ids, names, keys).
inline void CopyBytes(char* to, const char* from, size_t n) {
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

// A cursor over memory the caller sized with the functions above; nothing is
// checked while writing.
class Writer {
 public:
  explicit Writer(char* at) : p_(at) {}
  explicit Writer(uint8_t* at) : p_(reinterpret_cast<char*>(at)) {}

  void Varint(uint64_t v) {
    while (v >= 0x80) {
      *p_++ = static_cast<char>(v | 0x80);
      v >>= 7;
    }
    *p_++ = static_cast<char>(v);
  }
  void Tag(uint32_t field, uint32_t wire_type) { *p_++ = static_cast<char>(field << 3 | wire_type); }
  void LenHead(uint32_t field, size_t n) {
    Tag(field, kLen);
    Varint(n);
  }
  void Raw(std::string_view s) {
    CopyBytes(p_, s.data(), s.size());
    p_ += s.size();
  }
  void String(uint32_t field, std::string_view s) {
    LenHead(field, s.size());
    Raw(s);
  }
  void StringPair(uint32_t field, std::string_view key, std::string_view value) {
    LenHead(field, LenField(key.size()) + LenField(value.size()));
    String(1, key);
    String(2, value);
  }
  // `n` bytes the caller fills through the pointer returned.
  char* Skip(size_t n) {
    char* at = p_;
    p_ += n;
    return at;
  }
  char* position() const { return p_; }
  uint8_t* bytes() const { return reinterpret_cast<uint8_t*>(p_); }
  void MoveTo(uint8_t* at) { p_ = reinterpret_cast<char*>(at); }

 private:
  char* p_;
};

}  // namespace wire
}  // namespace pyfn

#endif  // PYFN_HOST_COMMON_PROTO_WIRE_H_
