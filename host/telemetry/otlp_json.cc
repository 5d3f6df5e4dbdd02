#include "host/telemetry/otlp_json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "host/common/text_encoding.h"
#include "host/telemetry/otlp_buffer.h"

namespace pyfn {
namespace telemetry {
namespace {

// The JSON text is written directly (no document tree): the exporter encodes
// every span the host records, so this runs a few thousand times a second.

// Appends a string literal (its length known: no strlen).
template <size_t N>
void Lit(Buf* out, const char (&text)[N]) {
  out->append(text, N - 1);
}

// True when `s` can be written between quotes as it is: ASCII without control
// characters, '"' or '\\' (the common case). Eight bytes at a time.
bool IsPlain(std::string_view s) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kHighs = 0x8080808080808080ULL;
  // A byte below n (exact for words whose bytes are all below 0x80, n <= 0x80).
  auto has_less = [](uint64_t x, uint64_t n) { return (x - kOnes * n) & ~x & kHighs; };
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t x;
    std::memcpy(&x, s.data() + i, 8);
    if ((x & kHighs) | has_less(x, 0x20) | has_less(x ^ (kOnes * '"'), 1) |
        has_less(x ^ (kOnes * '\\'), 1))
      return false;
  }
  for (; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') return false;
  }
  return true;
}

bool IsAscii(std::string_view s) {
  unsigned char any = 0;
  for (char c : s) any |= static_cast<unsigned char>(c);
  return any < 0x80;
}

// Appends `s` as a JSON string: at once when it is plain; else runs that need
// no escape are copied at once, and bytes that are not UTF-8 replaced.
void AppendString(Buf* out, std::string_view s) {
  if (IsPlain(s)) {
    out->push_back('"');
    out->append(s.data(), s.size());
    out->push_back('"');
    return;
  }
  if (!IsAscii(s) && !IsValidUtf8(s)) {
    const std::string valid = ToValidUtf8(s);
    AppendString(out, valid);
    return;
  }
  out->push_back('"');
  size_t run = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': Lit(out, "\\\""); break;
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      default: {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        *out += buf;
      }
    }
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
}

// A double as the protobuf JSON mapping writes it: the shortest text that
// reads back the same, or "NaN", "Infinity", "-Infinity" (strings).
void AppendDouble(Buf* out, double d) {
  if (!std::isfinite(d)) {
    *out += std::isnan(d) ? "\"NaN\"" : d > 0 ? "\"Infinity\"" : "\"-Infinity\"";
    return;
  }
  char* p = out->Room(32);
  out->Advance(std::to_chars(p, p + 32, d).ptr);
}

template <typename T>
void AppendNumber(Buf* out, T v) {
  char* p = out->Room(24);
  out->Advance(std::to_chars(p, p + 24, v).ptr);
}

// A 64-bit integer field (fixed64, sfixed64, int64): a JSON string.
template <typename T>
void AppendInt64(Buf* out, T v) {
  out->push_back('"');
  AppendNumber(out, v);
  out->push_back('"');
}

void AppendValue(Buf* out, const AttributeValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) {
    Lit(out, "{\"stringValue\":");
    AppendString(out, *s);
  } else if (const auto* i = std::get_if<int64_t>(&v)) {
    Lit(out, "{\"intValue\":");
    AppendInt64(out, *i);
  } else if (const auto* b = std::get_if<bool>(&v)) {
    *out += *b ? "{\"boolValue\":true" : "{\"boolValue\":false";
  } else {
    Lit(out, "{\"doubleValue\":");
    AppendDouble(out, std::get<double>(v));
  }
  out->push_back('}');
}

// A resource attribute's key (any text).
void AppendKey(Buf* out, const std::string& key) { AppendString(out, key); }
// A span attribute's key: a semantic-convention name, written as it is
// (SpanAttributes).
void AppendKey(Buf* out, std::string_view key) {
  out->push_back('"');
  out->append(key.data(), key.size());
  out->push_back('"');
}

// A metric label's value: always a string.
void AppendValue(Buf* out, const std::string& v) {
  Lit(out, "{\"stringValue\":");
  AppendString(out, v);
  out->push_back('}');
}

// Resource and span attributes, metric labels.
template <typename Attrs>
void AppendAttributes(Buf* out, const Attrs& attrs) {
  out->push_back('[');
  bool first = true;
  for (const auto& kv : attrs) {
    if (!first) out->push_back(',');
    first = false;
    Lit(out, "{\"key\":");
    AppendKey(out, kv.first);
    Lit(out, ",\"value\":");
    AppendValue(out, kv.second);
    out->push_back('}');
  }
  out->push_back(']');
}

// A NumberDataPoint or HistogramDataPoint's attributes and times.
void AppendPointHead(Buf* out, const MetricPoint& p, uint64_t start, uint64_t now) {
  out->push_back('{');
  if (!p.labels.empty()) {
    Lit(out, "\"attributes\":");
    AppendAttributes(out, p.labels);
    out->push_back(',');
  }
  if (start != 0) {
    Lit(out, "\"startTimeUnixNano\":");
    AppendInt64(out, start);
    out->push_back(',');
  }
  Lit(out, "\"timeUnixNano\":");
  AppendInt64(out, now);
}

void AppendNumberPoints(Buf* out, const MetricFamily& f, uint64_t start, uint64_t now) {
  Lit(out, "\"dataPoints\":[");
  bool first = true;
  for (const MetricPoint& p : f.points) {
    if (!first) out->push_back(',');
    first = false;
    AppendPointHead(out, p, start, now);
    if (p.is_double) {
      Lit(out, ",\"asDouble\":");
      AppendDouble(out, p.double_value);
    } else {
      Lit(out, ",\"asInt\":");
      AppendInt64(out, p.int_value);
    }
    out->push_back('}');
  }
  out->push_back(']');
}

void AppendHistogramPoints(Buf* out, const MetricFamily& f, uint64_t start,
                           uint64_t now) {
  Lit(out, "\"dataPoints\":[");
  bool first = true;
  for (const MetricPoint& p : f.points) {
    if (!first) out->push_back(',');
    first = false;
    AppendPointHead(out, p, start, now);
    Lit(out, ",\"count\":");
    AppendInt64(out, p.count);
    Lit(out, ",\"sum\":");
    AppendDouble(out, p.sum);
    Lit(out, ",\"bucketCounts\":[");
    for (size_t i = 0; i <= f.bounds.size(); ++i) {
      if (i > 0) out->push_back(',');
      AppendInt64(out, i < p.bucket_counts.size() ? p.bucket_counts[i] : uint64_t{0});
    }
    Lit(out, "],\"explicitBounds\":[");
    for (size_t i = 0; i < f.bounds.size(); ++i) {
      if (i > 0) out->push_back(',');
      AppendDouble(out, f.bounds[i]);
    }
    Lit(out, "]}");
  }
  out->push_back(']');
}

// The envelope both requests share, up to the list of their items:
// {"resource<Kind>":[{"resource":{"attributes":[...]},"scope<Kind>":[{"scope":
// {"name":"pyfn-host","version":...},"<items>":[   (CloseEnvelope ends it).
void OpenEnvelope(Buf* out, std::string_view kind, std::string_view items,
                  const Attributes& resource, const std::string& scope_version) {
  Lit(out, "{\"resource");
  out->append(kind);
  Lit(out, "\":[{\"resource\":{\"attributes\":");
  AppendAttributes(out, resource);
  Lit(out, "},\"scope");
  out->append(kind);
  Lit(out, "\":[{\"scope\":{\"name\":\"pyfn-host\",\"version\":");
  AppendString(out, scope_version);
  Lit(out, "},\"");
  out->append(items);
  Lit(out, "\":[");
}

void CloseEnvelope(Buf* out) { Lit(out, "]}]}]}"); }

// At least the bytes an attribute's value takes (more when a string needs
// escapes: the buffer grows then).
size_t ValueBound(const AttributeValue& v) {
  if (const auto* str = std::get_if<std::string>(&v)) return str->size();
  return 32;
}

// What the request's text takes, for the usual span (plain strings): one
// buffer of this size is filled without growing or leaving much unused (the
// unused part is still zeroed).
size_t TraceRequestBound(const Attributes& resource, const std::string& scope_version,
                         const std::vector<SpanData>& spans) {
  constexpr size_t kEnvelope = 160, kAttribute = 40, kSpan = 320;
  size_t n = kEnvelope + scope_version.size();
  for (const auto& kv : resource) n += kAttribute + kv.first.size() + ValueBound(kv.second);
  for (const SpanData& s : spans) {
    n += kSpan + s.name.size() + s.trace_state.size() + s.status_message.size();
    for (const auto& kv : s.attributes) n += kAttribute + kv.first.size() + ValueBound(kv.second);
  }
  return n;
}

}  // namespace

std::string EncodeTraceRequest(const Attributes& resource, const std::string& scope_version,
                               const std::vector<SpanData>& spans) {
  Buf out(TraceRequestBound(resource, scope_version, spans));
  OpenEnvelope(&out, "Spans", "spans", resource, scope_version);
  bool first = true;
  for (const SpanData& s : spans) {
    if (!first) out.push_back(',');
    first = false;
    Lit(&out, "{\"traceId\":\"");
    out += s.trace_id.view();
    Lit(&out, "\",\"spanId\":\"");
    out += s.span_id.view();
    out.push_back('"');
    if (!s.parent_span_id.empty()) {
      Lit(&out, ",\"parentSpanId\":\"");
      out += s.parent_span_id.view();
      out.push_back('"');
    }
    if (!s.trace_state.empty()) {
      Lit(&out, ",\"traceState\":");
      AppendString(&out, s.trace_state);
    }
    Lit(&out, ",\"name\":");
    AppendString(&out, s.name);
    Lit(&out, ",\"kind\":");
    AppendNumber(&out, static_cast<int>(s.kind));
    Lit(&out, ",\"startTimeUnixNano\":");
    AppendInt64(&out, s.start_unix_nano);
    Lit(&out, ",\"endTimeUnixNano\":");
    AppendInt64(&out, s.end_unix_nano);
    if (!s.attributes.empty()) {
      Lit(&out, ",\"attributes\":");
      AppendAttributes(&out, s.attributes);
    }
    if (s.attributes.dropped() != 0) {
      Lit(&out, ",\"droppedAttributesCount\":");
      AppendNumber(&out, s.attributes.dropped());
    }
    Lit(&out, ",\"status\":{\"code\":");
    AppendNumber(&out, static_cast<int>(s.status));
    if (!s.status_message.empty()) {
      Lit(&out, ",\"message\":");
      AppendString(&out, s.status_message);
    }
    Lit(&out, "}}");
  }
  CloseEnvelope(&out);
  return out.Take();
}

std::string EncodeMetricsRequest(const Attributes& resource, const std::string& scope_version,
                                 const std::vector<MetricFamily>& families,
                                 uint64_t start_unix_nano, uint64_t now_unix_nano) {
  constexpr int kCumulative = 2;  // AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE
  Buf out(4096);
  OpenEnvelope(&out, "Metrics", "metrics", resource, scope_version);
  bool first = true;
  for (const MetricFamily& f : families) {
    if (f.points.empty()) continue;
    if (!first) out.push_back(',');
    first = false;
    Lit(&out, "{\"name\":");
    AppendString(&out, f.name);
    Lit(&out, ",\"description\":");
    AppendString(&out, f.help);
    const std::string unit = f.Unit();
    if (!unit.empty()) {
      Lit(&out, ",\"unit\":");
      AppendString(&out, unit);
    }
    switch (f.type) {
      case MetricFamily::Type::kCounter:
        Lit(&out, ",\"sum\":{");
        AppendNumberPoints(&out, f, start_unix_nano, now_unix_nano);
        Lit(&out, ",\"aggregationTemporality\":");
        AppendNumber(&out, kCumulative);
        Lit(&out, ",\"isMonotonic\":true}}");
        break;
      case MetricFamily::Type::kGauge:
        Lit(&out, ",\"gauge\":{");
        AppendNumberPoints(&out, f, 0, now_unix_nano);
        Lit(&out, "}}");
        break;
      case MetricFamily::Type::kHistogram:
        Lit(&out, ",\"histogram\":{");
        AppendHistogramPoints(&out, f, start_unix_nano, now_unix_nano);
        Lit(&out, ",\"aggregationTemporality\":");
        AppendNumber(&out, kCumulative);
        Lit(&out, "}}");
        break;
    }
  }
  CloseEnvelope(&out);
  return out.Take();
}

}  // namespace telemetry
}  // namespace pyfn
