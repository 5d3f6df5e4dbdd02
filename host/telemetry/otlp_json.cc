#include "host/telemetry/otlp_json.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <string_view>

#include "host/common/text_encoding.h"

namespace pyfn {
namespace telemetry {
namespace {

// The JSON text is written directly (no document tree): the exporter encodes
// every span the host records, so this runs a few thousand times a second.

// Appends `s` as a JSON string: runs that need no escape are copied at once.
// True when every byte is ASCII (a loop the compiler vectorises): the common
// case, which needs no UTF-8 check.
bool IsAscii(std::string_view s) {
  unsigned char any = 0;
  for (char c : s) any |= static_cast<unsigned char>(c);
  return any < 0x80;
}

void AppendString(std::string* out, std::string_view s) {
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
      case '"': *out += "\\\""; break;
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
void AppendDouble(std::string* out, double d) {
  if (!std::isfinite(d)) {
    *out += std::isnan(d) ? "\"NaN\"" : d > 0 ? "\"Infinity\"" : "\"-Infinity\"";
    return;
  }
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  out->append(buf, r.ptr);
}

template <typename T>
void AppendNumber(std::string* out, T v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, r.ptr);
}

// A 64-bit integer field (fixed64, sfixed64, int64): a JSON string.
template <typename T>
void AppendInt64(std::string* out, T v) {
  out->push_back('"');
  AppendNumber(out, v);
  out->push_back('"');
}

void AppendValue(std::string* out, const AttributeValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) {
    *out += "{\"stringValue\":";
    AppendString(out, *s);
  } else if (const auto* i = std::get_if<int64_t>(&v)) {
    *out += "{\"intValue\":";
    AppendInt64(out, *i);
  } else if (const auto* b = std::get_if<bool>(&v)) {
    *out += *b ? "{\"boolValue\":true" : "{\"boolValue\":false";
  } else {
    *out += "{\"doubleValue\":";
    AppendDouble(out, std::get<double>(v));
  }
  out->push_back('}');
}

template <typename Attrs>
void AppendAttributes(std::string* out, const Attrs& attrs) {
  out->push_back('[');
  bool first = true;
  for (const auto& kv : attrs) {
    if (!first) out->push_back(',');
    first = false;
    *out += "{\"key\":";
    AppendString(out, kv.first);
    *out += ",\"value\":";
    AppendValue(out, kv.second);
    out->push_back('}');
  }
  out->push_back(']');
}

void AppendLabels(std::string* out, const std::vector<std::pair<std::string, std::string>>& labels) {
  out->push_back('[');
  bool first = true;
  for (const auto& kv : labels) {
    if (!first) out->push_back(',');
    first = false;
    *out += "{\"key\":";
    AppendString(out, kv.first);
    *out += ",\"value\":{\"stringValue\":";
    AppendString(out, kv.second);
    *out += "}}";
  }
  out->push_back(']');
}

// A NumberDataPoint or HistogramDataPoint's attributes and times.
void AppendPointHead(std::string* out, const MetricPoint& p, uint64_t start, uint64_t now) {
  out->push_back('{');
  if (!p.labels.empty()) {
    *out += "\"attributes\":";
    AppendLabels(out, p.labels);
    out->push_back(',');
  }
  if (start != 0) {
    *out += "\"startTimeUnixNano\":";
    AppendInt64(out, start);
    out->push_back(',');
  }
  *out += "\"timeUnixNano\":";
  AppendInt64(out, now);
}

void AppendNumberPoints(std::string* out, const MetricFamily& f, uint64_t start, uint64_t now) {
  *out += "\"dataPoints\":[";
  bool first = true;
  for (const MetricPoint& p : f.points) {
    if (!first) out->push_back(',');
    first = false;
    AppendPointHead(out, p, start, now);
    if (p.is_double) {
      *out += ",\"asDouble\":";
      AppendDouble(out, p.double_value);
    } else {
      *out += ",\"asInt\":";
      AppendInt64(out, p.int_value);
    }
    out->push_back('}');
  }
  out->push_back(']');
}

void AppendHistogramPoints(std::string* out, const MetricFamily& f, uint64_t start,
                           uint64_t now) {
  *out += "\"dataPoints\":[";
  bool first = true;
  for (const MetricPoint& p : f.points) {
    if (!first) out->push_back(',');
    first = false;
    AppendPointHead(out, p, start, now);
    *out += ",\"count\":";
    AppendInt64(out, p.count);
    *out += ",\"sum\":";
    AppendDouble(out, p.sum);
    *out += ",\"bucketCounts\":[";
    for (size_t i = 0; i <= f.bounds.size(); ++i) {
      if (i > 0) out->push_back(',');
      AppendInt64(out, i < p.bucket_counts.size() ? p.bucket_counts[i] : uint64_t{0});
    }
    *out += "],\"explicitBounds\":[";
    for (size_t i = 0; i < f.bounds.size(); ++i) {
      if (i > 0) out->push_back(',');
      AppendDouble(out, f.bounds[i]);
    }
    *out += "]}";
  }
  out->push_back(']');
}

}  // namespace

std::string EncodeTraceRequest(const Attributes& resource, const std::string& scope_version,
                               const std::vector<SpanData>& spans) {
  std::string out;
  out.reserve(256 + spans.size() * 512);
  out += "{\"resourceSpans\":[{\"resource\":{\"attributes\":";
  AppendAttributes(&out, resource);
  out += "},\"scopeSpans\":[{\"scope\":{\"name\":\"pyfn-host\",\"version\":";
  AppendString(&out, scope_version);
  out += "},\"spans\":[";
  bool first = true;
  for (const SpanData& s : spans) {
    if (!first) out.push_back(',');
    first = false;
    out += "{\"traceId\":\"";
    out += s.trace_id.view();
    out += "\",\"spanId\":\"";
    out += s.span_id.view();
    out.push_back('"');
    if (!s.parent_span_id.empty()) {
      out += ",\"parentSpanId\":\"";
      out += s.parent_span_id.view();
      out.push_back('"');
    }
    if (!s.trace_state.empty()) {
      out += ",\"traceState\":";
      AppendString(&out, s.trace_state);
    }
    out += ",\"name\":";
    AppendString(&out, s.name);
    out += ",\"kind\":";
    AppendNumber(&out, static_cast<int>(s.kind));
    out += ",\"startTimeUnixNano\":";
    AppendInt64(&out, s.start_unix_nano);
    out += ",\"endTimeUnixNano\":";
    AppendInt64(&out, s.end_unix_nano);
    if (!s.attributes.empty()) {
      out += ",\"attributes\":";
      AppendAttributes(&out, s.attributes);
    }
    out += ",\"status\":{\"code\":";
    AppendNumber(&out, static_cast<int>(s.status));
    if (!s.status_message.empty()) {
      out += ",\"message\":";
      AppendString(&out, s.status_message);
    }
    out += "}}";
  }
  out += "]}]}]}";
  return out;
}

std::string EncodeMetricsRequest(const Attributes& resource, const std::string& scope_version,
                                 const std::vector<MetricFamily>& families,
                                 uint64_t start_unix_nano, uint64_t now_unix_nano) {
  constexpr int kCumulative = 2;  // AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE
  std::string out;
  out.reserve(4096);
  out += "{\"resourceMetrics\":[{\"resource\":{\"attributes\":";
  AppendAttributes(&out, resource);
  out += "},\"scopeMetrics\":[{\"scope\":{\"name\":\"pyfn-host\",\"version\":";
  AppendString(&out, scope_version);
  out += "},\"metrics\":[";
  bool first = true;
  for (const MetricFamily& f : families) {
    if (f.points.empty()) continue;
    if (!first) out.push_back(',');
    first = false;
    out += "{\"name\":";
    AppendString(&out, f.name);
    out += ",\"description\":";
    AppendString(&out, f.help);
    const std::string unit = f.Unit();
    if (!unit.empty()) {
      out += ",\"unit\":";
      AppendString(&out, unit);
    }
    switch (f.type) {
      case MetricFamily::Type::kCounter:
        out += ",\"sum\":{";
        AppendNumberPoints(&out, f, start_unix_nano, now_unix_nano);
        out += ",\"aggregationTemporality\":" + std::to_string(kCumulative) +
               ",\"isMonotonic\":true}}";
        break;
      case MetricFamily::Type::kGauge:
        out += ",\"gauge\":{";
        AppendNumberPoints(&out, f, 0, now_unix_nano);
        out += "}}";
        break;
      case MetricFamily::Type::kHistogram:
        out += ",\"histogram\":{";
        AppendHistogramPoints(&out, f, start_unix_nano, now_unix_nano);
        out += ",\"aggregationTemporality\":" + std::to_string(kCumulative) + "}}";
        break;
    }
  }
  out += "]}]}]}";
  return out;
}

}  // namespace telemetry
}  // namespace pyfn
