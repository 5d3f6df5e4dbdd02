#include "host/telemetry/telemetry_settings.h"

#include <gtest/gtest.h>

namespace pyfn {
namespace telemetry {
namespace {

using Env = std::map<std::string, std::string>;

TelemetrySettings Read(const Env& env, const nlohmann::json& host_json = nlohmann::json::object()) {
  return ReadTelemetrySettings(env, host_json, "host-1", "9.9.9");
}

std::string Attr(const Attributes& a, const std::string& key) {
  for (const auto& kv : a)
    if (kv.first == key) {
      if (const auto* s = std::get_if<std::string>(&kv.second)) return *s;
      return "<not a string>";
    }
  return "<absent>";
}

TEST(TelemetrySettingsTest, OffWithoutEndpointOrTelemetryMode) {
  TelemetrySettings s = Read({});
  EXPECT_FALSE(s.traces_enabled);
  s = Read({}, {{"telemetryMode", "ApplicationInsights"}});
  EXPECT_FALSE(s.traces_enabled);
  EXPECT_TRUE(s.warnings.empty());
}

TEST(TelemetrySettingsTest, AnEndpointTurnsTracingOnAndGetsV1Traces) {
  TelemetrySettings s = Read({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"}});
  EXPECT_TRUE(s.traces_enabled);
  EXPECT_EQ(s.traces_url, "http://collector:4318/v1/traces");
  s = Read({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/base/"}});
  EXPECT_EQ(s.traces_url, "http://collector:4318/base/v1/traces");
  // The signal-specific endpoint is used as is.
  s = Read({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://a:1"},
            {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://b:2/custom"}});
  EXPECT_EQ(s.traces_url, "http://b:2/custom");
}

TEST(TelemetrySettingsTest, TelemetryModeAloneUsesTheDefaultEndpoint) {
  TelemetrySettings s = Read({}, {{"telemetryMode", "openTelemetry"}});
  EXPECT_TRUE(s.traces_enabled);
  EXPECT_EQ(s.traces_url, "http://localhost:4318/v1/traces");
}

TEST(TelemetrySettingsTest, SdkDisabledAndExporterNoneWin) {
  EXPECT_FALSE(Read({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://a:1"}, {"OTEL_SDK_DISABLED", "TRUE"}})
                   .traces_enabled);
  EXPECT_FALSE(Read({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://a:1"}, {"OTEL_TRACES_EXPORTER", "none"}})
                   .traces_enabled);
  EXPECT_TRUE(Read({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://a:1"}, {"OTEL_SDK_DISABLED", "false"}})
                  .traces_enabled);
}

TEST(TelemetrySettingsTest, HeadersAreDecodedAndTheTracesOnesWin) {
  TelemetrySettings s = Read({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://a:1"},
                              {"OTEL_EXPORTER_OTLP_HEADERS", "api-key=a%20b, x=1"},
                              {"OTEL_EXPORTER_OTLP_TRACES_HEADERS", "X=2"}});
  ASSERT_EQ(s.headers.size(), 2u);
  EXPECT_EQ(s.headers[0].first, "api-key");
  EXPECT_EQ(s.headers[0].second, "a b");
  EXPECT_EQ(s.headers[1].first, "X");
  EXPECT_EQ(s.headers[1].second, "2");
}

TEST(TelemetrySettingsTest, ServiceNameAndResourceAttributes) {
  TelemetrySettings s = Read({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://a:1"},
                              {"OTEL_RESOURCE_ATTRIBUTES", "service.name=fromattrs,team=blue"}});
  EXPECT_EQ(Attr(s.resource, "service.name"), "fromattrs");
  EXPECT_EQ(Attr(s.resource, "team"), "blue");
  EXPECT_EQ(Attr(s.resource, "service.instance.id"), "host-1");
  EXPECT_EQ(Attr(s.resource, "telemetry.sdk.version"), "9.9.9");
  s = Read({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://a:1"},
            {"OTEL_RESOURCE_ATTRIBUTES", "service.name=fromattrs"},
            {"OTEL_SERVICE_NAME", "app"}});
  EXPECT_EQ(Attr(s.resource, "service.name"), "app");
  EXPECT_EQ(s.resource[0].first, "service.name");
  s = Read({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://a:1"}, {"WEBSITE_SITE_NAME", "site"}});
  EXPECT_EQ(Attr(s.resource, "service.name"), "site");
  s = Read({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://a:1"}});
  EXPECT_EQ(Attr(s.resource, "service.name"), "unknown_service:pyfn-host");
}

TEST(TelemetrySettingsTest, BatchSettingsAndBadValuesWarn) {
  TelemetrySettings s = Read({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://a:1"},
                              {"OTEL_BSP_MAX_QUEUE_SIZE", "10"},
                              {"OTEL_BSP_SCHEDULE_DELAY", "200"},
                              {"OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "many"},
                              {"OTEL_EXPORTER_OTLP_TIMEOUT", "1500"},
                              {"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"},
                              {"OTEL_RESOURCE_ATTRIBUTES", "novalue"}});
  EXPECT_TRUE(s.traces_enabled);
  EXPECT_EQ(s.batch.max_queue_size, 10u);
  EXPECT_EQ(s.batch.schedule_delay.count(), 200);
  EXPECT_EQ(s.batch.max_export_batch_size, 10u);  // 512 capped to the queue
  EXPECT_EQ(s.timeout.count(), 1500);
  std::string all;
  for (const auto& w : s.warnings) all += w + "\n";
  EXPECT_NE(all.find("OTEL_BSP_MAX_EXPORT_BATCH_SIZE='many'"), std::string::npos) << all;
  EXPECT_NE(all.find("OTEL_EXPORTER_OTLP_PROTOCOL='grpc'"), std::string::npos) << all;
  EXPECT_NE(all.find("'novalue'"), std::string::npos) << all;
  EXPECT_NE(all.find("above OTEL_BSP_MAX_QUEUE_SIZE"), std::string::npos) << all;
}

TEST(TelemetrySettingsTest, SpansGoAsProtobufWhenAskedMetricsStayJson) {
  TelemetrySettings s = Read({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://a:1"}});
  EXPECT_EQ(s.traces_protocol, OtlpProtocol::kHttpJson);
  EXPECT_TRUE(s.warnings.empty());
  s = Read({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://a:1"},
            {"OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"}});
  EXPECT_EQ(s.traces_protocol, OtlpProtocol::kHttpProtobuf);
  ASSERT_EQ(s.warnings.size(), 1u);
  EXPECT_NE(s.warnings[0].find("sends metrics as http/json"), std::string::npos) << s.warnings[0];
  s = Read({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://a:1"},
            {"OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"},
            {"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/json"},
            {"OTEL_METRICS_EXPORTER", "none"}});
  EXPECT_EQ(s.traces_protocol, OtlpProtocol::kHttpJson) << "the signal's own setting wins";
  EXPECT_TRUE(s.warnings.empty());
  s = Read({{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://a:1/v1/traces"},
            {"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/protobuf"}});
  EXPECT_EQ(s.traces_protocol, OtlpProtocol::kHttpProtobuf);
  EXPECT_TRUE(s.warnings.empty());
}

TEST(TelemetrySettingsTest, MetricsFollowTheSameRulesWithTheirOwnSettings) {
  TelemetrySettings s = Read({});
  EXPECT_FALSE(s.metrics.enabled);
  s = Read({}, {{"telemetryMode", "OpenTelemetry"}});
  EXPECT_TRUE(s.metrics.enabled);
  EXPECT_EQ(s.metrics.url, "http://localhost:4318/v1/metrics");
  EXPECT_EQ(s.metrics.interval.count(), 60000);
  EXPECT_EQ(s.metrics.export_timeout.count(), 30000);
  s = Read({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318/base"},
            {"OTEL_EXPORTER_OTLP_HEADERS", "api-key=a,x=1"},
            {"OTEL_EXPORTER_OTLP_METRICS_HEADERS", "X=2"},
            {"OTEL_EXPORTER_OTLP_TIMEOUT", "1500"},
            {"OTEL_EXPORTER_OTLP_METRICS_TIMEOUT", "700"},
            {"OTEL_METRIC_EXPORT_INTERVAL", "250"},
            {"OTEL_METRIC_EXPORT_TIMEOUT", "900"},
            {"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"}});
  EXPECT_TRUE(s.metrics.enabled && s.traces_enabled);
  EXPECT_EQ(s.metrics.url, "http://c:4318/base/v1/metrics");
  ASSERT_EQ(s.metrics.headers.size(), 2u);
  EXPECT_EQ(s.metrics.headers[1], (std::pair<std::string, std::string>("X", "2")));
  EXPECT_EQ(s.headers[1], (std::pair<std::string, std::string>("x", "1"))) << "traces keep theirs";
  EXPECT_EQ(s.metrics.timeout.count(), 700);
  EXPECT_EQ(s.timeout.count(), 1500);
  EXPECT_EQ(s.metrics.interval.count(), 250);
  EXPECT_EQ(s.metrics.export_timeout.count(), 900);
  EXPECT_EQ(s.warnings.size(), 1u) << "one protocol warning for both signals";
  // The signal's own endpoint alone turns on that signal only, and is used as is.
  s = Read({{"OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "http://m:1/custom"}});
  EXPECT_TRUE(s.metrics.enabled);
  EXPECT_FALSE(s.traces_enabled);
  EXPECT_EQ(s.metrics.url, "http://m:1/custom");
  EXPECT_EQ(Attr(s.resource, "service.instance.id"), "host-1") << "the same resource";
  s = Read({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://a:1"}, {"OTEL_METRICS_EXPORTER", "none"}});
  EXPECT_FALSE(s.metrics.enabled);
  EXPECT_TRUE(s.traces_enabled);
  s = Read({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://a:1"}, {"OTEL_SDK_DISABLED", "true"}});
  EXPECT_FALSE(s.metrics.enabled);
  s = Read({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://a:1"},
            {"OTEL_METRIC_EXPORT_INTERVAL", "0"},
            {"OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", "delta"}});
  EXPECT_EQ(s.metrics.interval.count(), 60000);
  ASSERT_EQ(s.warnings.size(), 2u);
  EXPECT_NE(s.warnings[1].find("cumulative"), std::string::npos);
}

TEST(TelemetrySettingsTest, HttpJsonIsAcceptedSilently) {
  TelemetrySettings s = Read({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://a:1"},
                              {"OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"}});
  EXPECT_TRUE(s.warnings.empty());
}

}  // namespace
}  // namespace telemetry
}  // namespace pyfn
