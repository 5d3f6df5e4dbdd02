#include "host/telemetry/otlp_json.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>

#include "host/telemetry/span_fixtures.h"

namespace pyfn {
namespace telemetry {
namespace {

TEST(OtlpJsonTest, EncodesSpansWithOtlpsJsonRules) {
  SpanData s = SampleServerSpan();
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
  EXPECT_EQ(a["traceId"], s.trace_id.str());
  EXPECT_EQ(a["spanId"], s.span_id.str());
  EXPECT_EQ(a["parentSpanId"], s.parent_span_id.str());
  EXPECT_EQ(a["kind"], 2);
  EXPECT_EQ(a["startTimeUnixNano"], "1700000000000000001");
  EXPECT_EQ(a["endTimeUnixNano"], "1700000000000000002");
  EXPECT_EQ(a["traceState"], "a=1");
  EXPECT_EQ(a["attributes"][0]["value"]["stringValue"], "GET");
  EXPECT_EQ(a["attributes"][1]["value"]["intValue"], "200");
  EXPECT_EQ(a["attributes"][2]["value"]["intValue"], "-1");
  EXPECT_EQ(a["attributes"][3]["value"]["boolValue"], true);
  EXPECT_EQ(a["attributes"][4]["value"]["doubleValue"], 0.5);
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
  EXPECT_FALSE(span.contains("droppedAttributesCount"));
}

TEST(OtlpJsonTest, CountsAttributesThatDidNotFit) {
  SpanData s;
  s.name = "n";
  s.trace_id = "0af7651916cd43dd8448eb211c80319c";
  s.span_id = "b7ad6b7169203331";
  static const char* const kKeys[] = {"a", "b", "c", "d", "e", "f", "g",
                                      "h", "i", "j", "k", "l", "m", "n"};
  for (const char* key : kKeys) s.attributes.Set(key, int64_t{1});
  auto j = nlohmann::json::parse(EncodeTraceRequest({}, "1", {s}));
  const auto& span = j["resourceSpans"][0]["scopeSpans"][0]["spans"][0];
  EXPECT_EQ(span["attributes"].size(), SpanAttributes::kCapacity);
  EXPECT_EQ(span["droppedAttributesCount"], sizeof kKeys / sizeof kKeys[0] - SpanAttributes::kCapacity);
}

TEST(OtlpJsonTest, EveryByteThatNeedsEscapingIsFoundWhereverItIs) {
  // Plain text is copied eight bytes at a time: a special byte at any offset
  // of a word, or in the tail, must still be escaped (or, not UTF-8, replaced).
  for (const std::string& special :
       std::vector<std::string>{"\"", "\\", "\n", std::string(1, '\x1f'), std::string(1, '\0'),
                                "\xc3\xa9", "\xff", "~"}) {
    for (size_t at = 0; at < 19; ++at) {
      std::string text(19, 'a');
      text.replace(at, 1, special);
      SpanData s;
      s.name = text;
      s.trace_id = "0af7651916cd43dd8448eb211c80319c";
      s.span_id = "b7ad6b7169203331";
      auto j = nlohmann::json::parse(EncodeTraceRequest({}, "1", {s}));
      std::string want = special == "\xff" ? std::string(text).replace(at, 1, "\xEF\xBF\xBD") : text;
      EXPECT_EQ(j["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["name"], want)
          << "special byte " << int(static_cast<unsigned char>(special[0])) << " at " << at;
    }
  }
}

TEST(OtlpJsonTest, EncodesMetricsWithOtlpsJsonRules) {
  using Type = MetricFamily::Type;
  std::vector<MetricFamily> families = {
      {"pyfn_invocations_total", "Invocations.", Type::kCounter, {},
       {MetricPoint::Int(3, {{"function", "hello"}, {"outcome", "success"}})}},
      {"pyfn_queue_messages", "Messages.", Type::kGauge, {}, {}},  // no points: left out
      {"pyfn_process_uptime_seconds", "Uptime.", Type::kGauge, {}, {MetricPoint::Double(1.5)}},
      {"pyfn_invocation_duration_seconds", "Duration.", Type::kHistogram, {0.005, 0.1, 1}, {}},
  };
  MetricPoint h;
  h.labels = {{"function", "hello"}};
  h.bucket_counts = {1, 0, 2, 1};
  h.count = 4;
  h.sum = 2.25;
  families[3].points.push_back(h);
  auto j = nlohmann::json::parse(EncodeMetricsRequest(
      {{"service.name", std::string("svc")}}, "1.2.3", families, 1700000000000000001ULL,
      1700000000000000002ULL));
  const auto& rm = j["resourceMetrics"][0];
  EXPECT_EQ(rm["resource"]["attributes"][0]["value"]["stringValue"], "svc");
  const auto& sm = rm["scopeMetrics"][0];
  EXPECT_EQ(sm["scope"]["name"], "pyfn-host");
  EXPECT_EQ(sm["scope"]["version"], "1.2.3");
  const auto& m = sm["metrics"];
  ASSERT_EQ(m.size(), 3u);

  EXPECT_EQ(m[0]["name"], "pyfn_invocations_total");
  EXPECT_EQ(m[0]["description"], "Invocations.");
  EXPECT_FALSE(m[0].contains("unit"));
  const auto& sum = m[0]["sum"];
  EXPECT_EQ(sum["aggregationTemporality"], 2);
  EXPECT_EQ(sum["isMonotonic"], true);
  const auto& p = sum["dataPoints"][0];
  EXPECT_EQ(p["asInt"], "3");  // sfixed64: a string
  EXPECT_EQ(p["startTimeUnixNano"], "1700000000000000001");
  EXPECT_EQ(p["timeUnixNano"], "1700000000000000002");
  EXPECT_EQ(p["attributes"][0]["key"], "function");
  EXPECT_EQ(p["attributes"][0]["value"]["stringValue"], "hello");
  EXPECT_EQ(p["attributes"][1]["value"]["stringValue"], "success");

  EXPECT_EQ(m[1]["name"], "pyfn_process_uptime_seconds");
  EXPECT_EQ(m[1]["unit"], "s");
  const auto& g = m[1]["gauge"]["dataPoints"][0];
  EXPECT_EQ(g["asDouble"], 1.5);
  EXPECT_FALSE(g.contains("startTimeUnixNano"));
  EXPECT_FALSE(g.contains("attributes"));
  EXPECT_FALSE(m[1]["gauge"].contains("aggregationTemporality"));

  const auto& hist = m[2]["histogram"];
  EXPECT_EQ(m[2]["unit"], "s");
  EXPECT_EQ(hist["aggregationTemporality"], 2);
  const auto& hp = hist["dataPoints"][0];
  EXPECT_EQ(hp["count"], "4");  // fixed64
  EXPECT_EQ(hp["sum"], 2.25);
  EXPECT_EQ(hp["bucketCounts"], nlohmann::json::parse(R"(["1","0","2","1"])"));
  EXPECT_EQ(hp["explicitBounds"], nlohmann::json::parse("[0.005,0.1,1]"));
  EXPECT_EQ(hp["startTimeUnixNano"], "1700000000000000001");
  // Doubles are written shortest: the bound reads back as it was, as text too.
  EXPECT_NE(EncodeMetricsRequest({}, "1", families, 1, 2).find("[0.005,0.1,1]"),
            std::string::npos);
}

TEST(OtlpJsonTest, MetricsWithoutPointsGiveAnEmptyList) {
  auto j = nlohmann::json::parse(EncodeMetricsRequest({}, "1", {}, 1, 2));
  EXPECT_TRUE(j["resourceMetrics"][0]["scopeMetrics"][0]["metrics"].empty());
}

}  // namespace
}  // namespace telemetry
}  // namespace pyfn
