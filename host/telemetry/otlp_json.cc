#include "host/telemetry/otlp_json.h"

#include <cmath>
#include <cstdio>

#include "host/common/text_encoding.h"

namespace pyfn {
namespace telemetry {
namespace {

// The JSON text is written directly (no document tree): the exporter encodes
// every span the host records, so this runs a few thousand times a second.

void AppendString(std::string* out, const std::string& raw) {
  const std::string valid = IsValidUtf8(raw) ? std::string() : ToValidUtf8(raw);
  const std::string& s = valid.empty() ? raw : valid;
  out->push_back('"');
  for (char c : s) {
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned char>(c));
          *out += buf;
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

void AppendValue(std::string* out, const AttributeValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) {
    *out += "{\"stringValue\":";
    AppendString(out, *s);
  } else if (const auto* i = std::get_if<int64_t>(&v)) {
    *out += "{\"intValue\":\"" + std::to_string(*i) + "\"";
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
    out += "{\"traceId\":\"" + s.trace_id + "\",\"spanId\":\"" + s.span_id + "\"";
    if (!s.parent_span_id.empty()) out += ",\"parentSpanId\":\"" + s.parent_span_id + "\"";
    if (!s.trace_state.empty()) {
      out += ",\"traceState\":";
      AppendString(&out, s.trace_state);
    }
    out += ",\"name\":";
    AppendString(&out, s.name);
    out += ",\"kind\":" + std::to_string(static_cast<int>(s.kind));
    out += ",\"startTimeUnixNano\":\"" + std::to_string(s.start_unix_nano) + "\"";
    out += ",\"endTimeUnixNano\":\"" + std::to_string(s.end_unix_nano) + "\"";
    if (!s.attributes.empty()) {
      out += ",\"attributes\":";
      AppendAttributes(&out, s.attributes);
    }
    out += ",\"status\":{\"code\":" + std::to_string(static_cast<int>(s.status));
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
