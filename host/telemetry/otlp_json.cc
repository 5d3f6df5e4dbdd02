#include "host/telemetry/otlp_json.h"

#include <nlohmann/json.hpp>

namespace pyfn {
namespace telemetry {
namespace {

using nlohmann::json;

json Value(const AttributeValue& v) {
  json out = json::object();
  if (const auto* s = std::get_if<std::string>(&v)) {
    out["stringValue"] = *s;
  } else if (const auto* i = std::get_if<int64_t>(&v)) {
    out["intValue"] = std::to_string(*i);
  } else if (const auto* b = std::get_if<bool>(&v)) {
    out["boolValue"] = *b;
  } else {
    out["doubleValue"] = std::get<double>(v);
  }
  return out;
}

json EncodeAttributes(const Attributes& attrs) {
  json out = json::array();
  for (const auto& kv : attrs) out.push_back({{"key", kv.first}, {"value", Value(kv.second)}});
  return out;
}

}  // namespace

std::string EncodeTraceRequest(const Attributes& resource, const std::string& scope_version,
                               const std::vector<SpanData>& spans) {
  json list = json::array();
  for (const SpanData& s : spans) {
    json j = {{"traceId", s.trace_id},
              {"spanId", s.span_id},
              {"name", s.name},
              {"kind", static_cast<int>(s.kind)},
              {"startTimeUnixNano", std::to_string(s.start_unix_nano)},
              {"endTimeUnixNano", std::to_string(s.end_unix_nano)}};
    if (!s.parent_span_id.empty()) j["parentSpanId"] = s.parent_span_id;
    if (!s.trace_state.empty()) j["traceState"] = s.trace_state;
    if (!s.attributes.empty()) j["attributes"] = EncodeAttributes(s.attributes);
    json status = {{"code", static_cast<int>(s.status)}};
    if (!s.status_message.empty()) status["message"] = s.status_message;
    j["status"] = status;
    list.push_back(std::move(j));
  }
  json body = {
      {"resourceSpans",
       json::array({{{"resource", {{"attributes", EncodeAttributes(resource)}}},
                     {"scopeSpans", json::array({{{"scope", {{"name", "pyfn-host"},
                                                             {"version", scope_version}}},
                                                  {"spans", std::move(list)}}})}}})}};
  // Strings that are not UTF-8 (a header value) are replaced, never refused.
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace telemetry
}  // namespace pyfn
