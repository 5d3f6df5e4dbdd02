#include "host/telemetry/otlp_json.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>

namespace pyfn {
namespace telemetry {
namespace {

TEST(OtlpJsonTest, EncodesSpansWithOtlpsJsonRules) {
  SpanData s;
  s.name = "GET";
  s.kind = SpanKind::kServer;
  s.trace_id = "0af7651916cd43dd8448eb211c80319c";
  s.span_id = "b7ad6b7169203331";
  s.parent_span_id = "00f067aa0ba902b7";
  s.start_unix_nano = 1700000000000000001ULL;
  s.end_unix_nano = 1700000000000000002ULL;
  s.attributes = {{"http.request.method", std::string("GET")},
                  {"http.response.status_code", int64_t{200}},
                  {"ok", true},
                  {"ratio", 0.5}};
  s.status = StatusCode::kError;
  s.status_message = "HTTP 500";
  SpanData root;
  root.name = "timer";
  root.trace_id = "1af7651916cd43dd8448eb211c80319c";
  root.span_id = "c7ad6b7169203331";
  auto j = nlohmann::json::parse(
      EncodeTraceRequest({{"service.name", std::string("svc")}}, "1.2.3", {s, root}));
  const auto& rs = j["resourceSpans"][0];
  EXPECT_EQ(rs["resource"]["attributes"][0]["key"], "service.name");
  EXPECT_EQ(rs["resource"]["attributes"][0]["value"]["stringValue"], "svc");
  const auto& ss = rs["scopeSpans"][0];
  EXPECT_EQ(ss["scope"]["name"], "pyfn-host");
  EXPECT_EQ(ss["scope"]["version"], "1.2.3");
  const auto& a = ss["spans"][0];
  EXPECT_EQ(a["traceId"], s.trace_id);
  EXPECT_EQ(a["spanId"], s.span_id);
  EXPECT_EQ(a["parentSpanId"], s.parent_span_id);
  EXPECT_EQ(a["kind"], 2);
  EXPECT_EQ(a["startTimeUnixNano"], "1700000000000000001");
  EXPECT_EQ(a["endTimeUnixNano"], "1700000000000000002");
  EXPECT_EQ(a["attributes"][1]["value"]["intValue"], "200");
  EXPECT_EQ(a["attributes"][2]["value"]["boolValue"], true);
  EXPECT_EQ(a["attributes"][3]["value"]["doubleValue"], 0.5);
  EXPECT_EQ(a["status"]["code"], 2);
  EXPECT_EQ(a["status"]["message"], "HTTP 500");
  const auto& b = ss["spans"][1];
  EXPECT_FALSE(b.contains("parentSpanId"));
  EXPECT_EQ(b["kind"], 1);
  EXPECT_EQ(b["status"]["code"], 0);
}

TEST(OtlpJsonTest, EscapesStringsAndReplacesBytesThatAreNotUtf8) {
  SpanData s;
  s.name = std::string("bad\xff \"q\" \\ \n \x01 \xc3\xa9");
  s.trace_state = "a=1,b=2";
  s.attributes = {{"nan", std::nan("")}, {"big", 1e300}};
  s.trace_id = "0af7651916cd43dd8448eb211c80319c";
  s.span_id = "b7ad6b7169203331";
  std::string body = EncodeTraceRequest({}, "1", {s});
  auto j = nlohmann::json::parse(body);
  const auto& span = j["resourceSpans"][0]["scopeSpans"][0]["spans"][0];
  EXPECT_EQ(span["name"], "bad\xEF\xBF\xBD \"q\" \\ \n \x01 \xc3\xa9");
  EXPECT_EQ(span["traceState"], "a=1,b=2");
  EXPECT_EQ(span["attributes"][0]["value"]["doubleValue"], "NaN");
  EXPECT_EQ(span["attributes"][1]["value"]["doubleValue"], 1e300);
}

}  // namespace
}  // namespace telemetry
}  // namespace pyfn
