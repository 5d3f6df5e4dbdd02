#include "host/telemetry/otlp_proto.h"

#include <cstdint>
#include <cstring>
#include <string_view>

#include "host/common/proto_wire.h"
#include "host/common/text_encoding.h"
#include "host/telemetry/otlp_buffer.h"

namespace pyfn {
namespace telemetry {
namespace {

// Each message's size is computed before it is written (a length-delimited
// field's length comes first): SpanSize, then WriteSpan, one pass each over a
// batch.

// Field numbers (opentelemetry/proto: collector/trace/v1, trace/v1,
// common/v1, resource/v1).
enum : uint32_t {
  kRequestResourceSpans = 1,
  kResourceSpansResource = 1, kResourceSpansScopeSpans = 2,
  kResourceAttributes = 1,
  kScopeSpansScope = 1, kScopeSpansSpans = 2,
  kScopeName = 1, kScopeVersion = 2,
  kSpanTraceId = 1, kSpanSpanId = 2, kSpanTraceState = 3, kSpanParentSpanId = 4, kSpanName = 5,
  kSpanKind = 6, kSpanStart = 7, kSpanEnd = 8, kSpanAttributes = 9, kSpanDroppedAttributes = 10,
  kSpanStatus = 15,
  kStatusMessage = 2, kStatusCode = 3,
  kKeyValueKey = 1, kKeyValueValue = 2,
  kAnyString = 1, kAnyBool = 2, kAnyInt = 3, kAnyDouble = 4,
};
using wire::kFixed64;
using wire::kLen;
using wire::kVarint;
using wire::LenField;
using wire::VarintSize;

constexpr size_t kTraceIdBytes = 16, kSpanIdBytes = 8;

inline void Varint(Buf* out, uint64_t v) {
  if (v < 0x80) {  // most are: tags, short lengths, enums
    out->push_back(static_cast<char>(v));
    return;
  }
  char* p = out->Room(10);
  while (v >= 0x80) {
    *p++ = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  out->Advance(p);
}

// Every field number here is below 16: its tag is one byte.
void Tag(Buf* out, uint32_t field, uint32_t wire_type) {
  out->push_back(static_cast<char>(field << 3 | wire_type));
}

void LenHead(Buf* out, uint32_t field, size_t n) {
  Tag(out, field, kLen);
  Varint(out, n);
}

void Fixed64(Buf* out, uint32_t field, uint64_t v) {
  Tag(out, field, kFixed64);
  char* p = out->Room(8);
  for (int i = 0; i < 8; ++i, v >>= 8) p[i] = static_cast<char>(v & 0xff);
  out->Advance(p + 8);
}

bool IsAscii(std::string_view s) {
  constexpr uint64_t kHighs = 0x8080808080808080ULL;
  const char* p = s.data();
  const size_t n = s.size();
  if (n >= 8) {  // words, the last one overlapping
    uint64_t any = 0, x;
    for (size_t i = 0; i + 8 <= n; i += 8) {
      std::memcpy(&x, p + i, 8);
      any |= x;
    }
    std::memcpy(&x, p + n - 8, 8);
    return ((any | x) & kHighs) == 0;
  }
  unsigned any = 0;
  for (size_t i = 0; i < n; ++i) any |= static_cast<unsigned char>(p[i]);
  return any < 0x80;
}

// The strings of a request are checked for UTF-8 once, while sizing: a span
// whose strings are all ASCII (the usual case) is written without looking at
// them again (its Strings is `trusted`).
class Strings {
 public:
  explicit Strings(bool trusted) : trusted_(trusted) {}
  // What `s` takes as a protobuf string: itself when it is UTF-8, else a copy
  // with the bytes that are not replaced (valid until the next call).
  std::string_view Utf8(std::string_view s) {
    if (trusted_ || IsAscii(s)) return s;
    all_ascii_ = false;
    if (IsValidUtf8(s)) return s;
    fixed_ = ToValidUtf8(s);
    return fixed_;
  }
  bool all_ascii() const { return all_ascii_; }

 private:
  const bool trusted_;
  bool all_ascii_ = true;
  std::string fixed_;
};

size_t StringField(Strings* strings, std::string_view s) {
  return LenField(strings->Utf8(s).size());
}

void WriteString(Buf* out, Strings* strings, uint32_t field, std::string_view s) {
  const std::string_view v = strings->Utf8(s);
  LenHead(out, field, v.size());
  out->append(v);
}

// A span attribute's key is a literal in ASCII (SpanAttributes); a resource
// attribute's any text.
std::string_view Key(Strings*, std::string_view key) { return key; }
std::string_view Key(Strings* strings, const std::string& key) { return strings->Utf8(key); }

// Hex digits (lower or upper case) as the bytes they spell; an id of the
// wrong length is written as it comes (the collector rejects it either way).
void WriteId(Buf* out, uint32_t field, std::string_view hex, size_t bytes) {
  static const struct Nibbles {
    unsigned char of[256] = {};
    Nibbles() {
      for (int c = 0; c < 10; ++c) of['0' + c] = static_cast<unsigned char>(c);
      for (int c = 0; c < 6; ++c) of['a' + c] = of['A' + c] = static_cast<unsigned char>(10 + c);
    }
  } kNibbles;
  const size_t n = hex.size() == 2 * bytes ? bytes : hex.size() / 2;
  LenHead(out, field, n);
  char* p = out->Room(n);
  for (size_t i = 0; i < n; ++i)
    p[i] = static_cast<char>(kNibbles.of[static_cast<unsigned char>(hex[2 * i])] << 4 |
                             kNibbles.of[static_cast<unsigned char>(hex[2 * i + 1])]);
  out->Advance(p + n);
}

size_t IdField(std::string_view hex) { return LenField(hex.size() / 2); }

// AnyValue.
size_t ValueSize(Strings* strings, const AttributeValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return StringField(strings, *s);
  if (const auto* i = std::get_if<int64_t>(&v)) return 1 + VarintSize(static_cast<uint64_t>(*i));
  if (std::holds_alternative<bool>(v)) return 2;
  return 9;  // double
}

void WriteValue(Buf* out, Strings* strings, const AttributeValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) {
    WriteString(out, strings, kAnyString, *s);
  } else if (const auto* i = std::get_if<int64_t>(&v)) {
    Tag(out, kAnyInt, kVarint);
    Varint(out, static_cast<uint64_t>(*i));
  } else if (const auto* b = std::get_if<bool>(&v)) {
    Tag(out, kAnyBool, kVarint);
    out->push_back(*b ? 1 : 0);
  } else {
    const double d = std::get<double>(v);
    uint64_t bits;
    std::memcpy(&bits, &d, 8);
    Fixed64(out, kAnyDouble, bits);
  }
}

// KeyValue, without its own tag and length.
template <typename K>
size_t KeyValueSize(Strings* strings, const K& key, const AttributeValue& v) {
  return LenField(Key(strings, key).size()) + LenField(ValueSize(strings, v));
}

template <typename Attrs>
size_t AttributesSize(Strings* strings, const Attrs& attrs) {
  size_t n = 0;
  for (const auto& kv : attrs) n += LenField(KeyValueSize(strings, kv.first, kv.second));
  return n;
}

template <typename Attrs>
void WriteAttributes(Buf* out, Strings* strings, uint32_t field, const Attrs& attrs) {
  for (const auto& kv : attrs) {
    const std::string_view key = Key(strings, kv.first);
    const size_t value_size = ValueSize(strings, kv.second);
    LenHead(out, field, LenField(key.size()) + LenField(value_size));
    LenHead(out, kKeyValueKey, key.size());
    out->append(key);
    LenHead(out, kKeyValueValue, value_size);
    WriteValue(out, strings, kv.second);
  }
}

size_t StatusSize(Strings* strings, const SpanData& s) {
  size_t n = 0;
  if (!s.status_message.empty()) n += StringField(strings, s.status_message);
  if (s.status != StatusCode::kUnset) n += 1 + VarintSize(static_cast<uint64_t>(s.status));
  return n;
}

size_t SpanSize(Strings* strings, const SpanData& s) {
  size_t n = IdField(s.trace_id) + IdField(s.span_id) + StringField(strings, s.name) +
             1 + VarintSize(static_cast<uint64_t>(s.kind)) + 2 * 9 /* times */ +
             AttributesSize(strings, s.attributes) + LenField(StatusSize(strings, s));
  if (!s.trace_state.empty()) n += StringField(strings, s.trace_state);
  if (!s.parent_span_id.empty()) n += IdField(s.parent_span_id);
  if (s.attributes.dropped() != 0) n += 1 + VarintSize(s.attributes.dropped());
  return n;
}

void WriteSpan(Buf* out, Strings* strings, const SpanData& s) {
  WriteId(out, kSpanTraceId, s.trace_id, kTraceIdBytes);
  WriteId(out, kSpanSpanId, s.span_id, kSpanIdBytes);
  if (!s.trace_state.empty()) WriteString(out, strings, kSpanTraceState, s.trace_state);
  if (!s.parent_span_id.empty()) WriteId(out, kSpanParentSpanId, s.parent_span_id, kSpanIdBytes);
  WriteString(out, strings, kSpanName, s.name);
  Tag(out, kSpanKind, kVarint);
  Varint(out, static_cast<uint64_t>(s.kind));
  Fixed64(out, kSpanStart, s.start_unix_nano);
  Fixed64(out, kSpanEnd, s.end_unix_nano);
  WriteAttributes(out, strings, kSpanAttributes, s.attributes);
  if (s.attributes.dropped() != 0) {
    Tag(out, kSpanDroppedAttributes, kVarint);
    Varint(out, s.attributes.dropped());
  }
  LenHead(out, kSpanStatus, StatusSize(strings, s));
  if (!s.status_message.empty()) WriteString(out, strings, kStatusMessage, s.status_message);
  if (s.status != StatusCode::kUnset) {
    Tag(out, kStatusCode, kVarint);
    Varint(out, static_cast<uint64_t>(s.status));
  }
}

}  // namespace

std::string EncodeTraceRequestProto(const Attributes& resource, const std::string& scope_version,
                                    const std::vector<SpanData>& spans) {
  constexpr std::string_view kScopeNameText = "pyfn-host";
  struct Sized {
    size_t size;
    bool ascii;
  };
  std::vector<Sized> sized;
  sized.reserve(spans.size());
  size_t spans_size = 0;
  for (const SpanData& s : spans) {
    Strings strings(false);
    const size_t n = SpanSize(&strings, s);
    sized.push_back({n, strings.all_ascii()});
    spans_size += LenField(n);
  }
  Strings checked(false);
  const size_t resource_size = AttributesSize(&checked, resource);
  const size_t scope_size =
      StringField(&checked, kScopeNameText) + StringField(&checked, scope_version);
  const size_t scope_spans_size = LenField(scope_size) + spans_size;
  const size_t resource_spans_size = LenField(resource_size) + LenField(scope_spans_size);

  Buf out(LenField(resource_spans_size) + 16);  // Varint asks for room for 10 bytes
  LenHead(&out, kRequestResourceSpans, resource_spans_size);
  LenHead(&out, kResourceSpansResource, resource_size);
  WriteAttributes(&out, &checked, kResourceAttributes, resource);
  LenHead(&out, kResourceSpansScopeSpans, scope_spans_size);
  LenHead(&out, kScopeSpansScope, scope_size);
  WriteString(&out, &checked, kScopeName, kScopeNameText);
  WriteString(&out, &checked, kScopeVersion, scope_version);
  for (size_t i = 0; i < spans.size(); ++i) {
    LenHead(&out, kScopeSpansSpans, sized[i].size);
    Strings strings(sized[i].ascii);
    WriteSpan(&out, &strings, spans[i]);
  }
  return out.Take();
}

}  // namespace telemetry
}  // namespace pyfn
