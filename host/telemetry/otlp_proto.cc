#include "host/telemetry/otlp_proto.h"

#include <cstdint>
#include <cstring>
#include <string_view>

#include "host/common/text_encoding.h"
#include "host/telemetry/otlp_buffer.h"

namespace pyfn {
namespace telemetry {
namespace {

// Each message's size is computed before it is written (a length-delimited
// field's length comes first): SpanSize, then WriteSpan, one pass each.

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
enum : uint32_t { kVarint = 0, kFixed64 = 1, kLen = 2 };

constexpr size_t kTraceIdBytes = 16, kSpanIdBytes = 8;

size_t VarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

void Varint(Buf* out, uint64_t v) {
  char* p = out->Room(10);
  while (v >= 0x80) {
    *p++ = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  out->Advance(p);
}

// Every field number here is below 16: its tag is one byte.
void Tag(Buf* out, uint32_t field, uint32_t wire) { out->push_back(static_cast<char>(field << 3 | wire)); }

// A length-delimited field of `n` bytes, tag and length included.
size_t LenField(size_t n) { return 1 + VarintSize(n) + n; }

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
  uint64_t any = 0;
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t x;
    std::memcpy(&x, s.data() + i, 8);
    any |= x;
  }
  unsigned char tail = 0;
  for (; i < s.size(); ++i) tail |= static_cast<unsigned char>(s[i]);
  return ((any & kHighs) | (tail & 0x80)) == 0;
}

// `s` as a protobuf string takes it: UTF-8 as it is, else with the bytes that
// are not replaced (*fixed holds the text then).
std::string_view Utf8(std::string_view s, std::string* fixed) {
  if (IsAscii(s) || IsValidUtf8(s)) return s;
  *fixed = ToValidUtf8(s);
  return *fixed;
}

size_t StringField(std::string_view s) {
  std::string fixed;
  return LenField(Utf8(s, &fixed).size());
}

void WriteString(Buf* out, uint32_t field, std::string_view s) {
  std::string fixed;
  const std::string_view v = Utf8(s, &fixed);
  LenHead(out, field, v.size());
  out->append(v);
}

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
size_t ValueSize(const AttributeValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return StringField(*s);
  if (const auto* i = std::get_if<int64_t>(&v)) return 1 + VarintSize(static_cast<uint64_t>(*i));
  if (std::holds_alternative<bool>(v)) return 2;
  return 9;  // double
}

void WriteValue(Buf* out, const AttributeValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) {
    WriteString(out, kAnyString, *s);
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
template <typename Key>
size_t KeyValueSize(const Key& key, const AttributeValue& v) {
  return StringField(key) + LenField(ValueSize(v));
}

template <typename Attrs>
size_t AttributesSize(const Attrs& attrs) {
  size_t n = 0;
  for (const auto& kv : attrs) n += LenField(KeyValueSize(kv.first, kv.second));
  return n;
}

template <typename Attrs>
void WriteAttributes(Buf* out, uint32_t field, const Attrs& attrs) {
  for (const auto& kv : attrs) {
    LenHead(out, field, KeyValueSize(kv.first, kv.second));
    WriteString(out, kKeyValueKey, kv.first);
    LenHead(out, kKeyValueValue, ValueSize(kv.second));
    WriteValue(out, kv.second);
  }
}

size_t StatusSize(const SpanData& s) {
  size_t n = 0;
  if (!s.status_message.empty()) n += StringField(s.status_message);
  if (s.status != StatusCode::kUnset) n += 1 + VarintSize(static_cast<uint64_t>(s.status));
  return n;
}

size_t SpanSize(const SpanData& s) {
  size_t n = IdField(s.trace_id) + IdField(s.span_id) + StringField(s.name) +
             1 + VarintSize(static_cast<uint64_t>(s.kind)) + 2 * 9 /* times */ +
             AttributesSize(s.attributes) + LenField(StatusSize(s));
  if (!s.trace_state.empty()) n += StringField(s.trace_state);
  if (!s.parent_span_id.empty()) n += IdField(s.parent_span_id);
  if (s.attributes.dropped() != 0) n += 1 + VarintSize(s.attributes.dropped());
  return n;
}

void WriteSpan(Buf* out, const SpanData& s) {
  WriteId(out, kSpanTraceId, s.trace_id, kTraceIdBytes);
  WriteId(out, kSpanSpanId, s.span_id, kSpanIdBytes);
  if (!s.trace_state.empty()) WriteString(out, kSpanTraceState, s.trace_state);
  if (!s.parent_span_id.empty()) WriteId(out, kSpanParentSpanId, s.parent_span_id, kSpanIdBytes);
  WriteString(out, kSpanName, s.name);
  Tag(out, kSpanKind, kVarint);
  Varint(out, static_cast<uint64_t>(s.kind));
  Fixed64(out, kSpanStart, s.start_unix_nano);
  Fixed64(out, kSpanEnd, s.end_unix_nano);
  WriteAttributes(out, kSpanAttributes, s.attributes);
  if (s.attributes.dropped() != 0) {
    Tag(out, kSpanDroppedAttributes, kVarint);
    Varint(out, s.attributes.dropped());
  }
  LenHead(out, kSpanStatus, StatusSize(s));
  if (!s.status_message.empty()) WriteString(out, kStatusMessage, s.status_message);
  if (s.status != StatusCode::kUnset) {
    Tag(out, kStatusCode, kVarint);
    Varint(out, static_cast<uint64_t>(s.status));
  }
}

}  // namespace

std::string EncodeTraceRequestProto(const Attributes& resource, const std::string& scope_version,
                                    const std::vector<SpanData>& spans) {
  constexpr std::string_view kScopeNameText = "pyfn-host";
  std::vector<size_t> span_sizes;
  span_sizes.reserve(spans.size());
  size_t spans_size = 0;
  for (const SpanData& s : spans) {
    span_sizes.push_back(SpanSize(s));
    spans_size += LenField(span_sizes.back());
  }
  const size_t resource_size = AttributesSize(resource);
  const size_t scope_size = StringField(kScopeNameText) + StringField(scope_version);
  const size_t scope_spans_size = LenField(scope_size) + spans_size;
  const size_t resource_spans_size = LenField(resource_size) + LenField(scope_spans_size);

  Buf out(LenField(resource_spans_size));
  LenHead(&out, kRequestResourceSpans, resource_spans_size);
  LenHead(&out, kResourceSpansResource, resource_size);
  WriteAttributes(&out, kResourceAttributes, resource);
  LenHead(&out, kResourceSpansScopeSpans, scope_spans_size);
  LenHead(&out, kScopeSpansScope, scope_size);
  WriteString(&out, kScopeName, kScopeNameText);
  WriteString(&out, kScopeVersion, scope_version);
  for (size_t i = 0; i < spans.size(); ++i) {
    LenHead(&out, kScopeSpansSpans, span_sizes[i]);
    WriteSpan(&out, spans[i]);
  }
  return out.Take();
}

}  // namespace telemetry
}  // namespace pyfn
