#include "host/telemetry/otlp_json.h"

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

void AppendValue(std::string* out, const AttributeValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) {
    *out += "{\"stringValue\":";
    AppendString(out, *s);
  } else if (const auto* i = std::get_if<int64_t>(&v)) {
    *out += "{\"intValue\":\"";
    *out += std::to_string(*i);
    out->push_back('"');
  } else if (const auto* b = std::get_if<bool>(&v)) {
    *out += *b ? "{\"boolValue\":true" : "{\"boolValue\":false";
  } else {
    double d = std::get<double>(v);
    if (std::isfinite(d)) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.17g", d);
      *out += "{\"doubleValue\":";
      *out += buf;
    } else {  // the protobuf JSON mapping's names for the special values
      *out += std::isnan(d) ? "{\"doubleValue\":\"NaN\"" :
              d > 0         ? "{\"doubleValue\":\"Infinity\"" : "{\"doubleValue\":\"-Infinity\"";
    }
  }
  out->push_back('}');
}

void AppendAttributes(std::string* out, const Attributes& attrs) {
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
    out += s.trace_id;
    out += "\",\"spanId\":\"";
    out += s.span_id;
    out.push_back('"');
    if (!s.parent_span_id.empty()) {
      out += ",\"parentSpanId\":\"";
      out += s.parent_span_id;
      out.push_back('"');
    }
    if (!s.trace_state.empty()) {
      out += ",\"traceState\":";
      AppendString(&out, s.trace_state);
    }
    out += ",\"name\":";
    AppendString(&out, s.name);
    out += ",\"kind\":";
    out += std::to_string(static_cast<int>(s.kind));
    out += ",\"startTimeUnixNano\":\"";
    out += std::to_string(s.start_unix_nano);
    out += "\",\"endTimeUnixNano\":\"";
    out += std::to_string(s.end_unix_nano);
    out.push_back('"');
    if (!s.attributes.empty()) {
      out += ",\"attributes\":";
      AppendAttributes(&out, s.attributes);
    }
    out += ",\"status\":{\"code\":";
    out += std::to_string(static_cast<int>(s.status));
    if (!s.status_message.empty()) {
      out += ",\"message\":";
      AppendString(&out, s.status_message);
    }
    out += "}}";
  }
  out += "]}]}]}";
  return out;
}

}  // namespace telemetry
}  // namespace pyfn
