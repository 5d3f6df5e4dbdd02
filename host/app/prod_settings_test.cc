#include "host/app/prod_settings.h"

#include <gtest/gtest.h>

namespace pyfn {
namespace {

TEST(ProdSettingsTest, Defaults) {
  ProdSettings p;
  ASSERT_TRUE(ResolveProdSettings({}, LocalSettings(), HostConfig(), &p).ok());
  EXPECT_EQ(p.secret_storage_type, "files");
  EXPECT_TRUE(p.cors_origins.empty());
  EXPECT_EQ(p.max_concurrent_requests, -1);
  EXPECT_EQ(p.max_header_count, 100u);
}

TEST(ProdSettingsTest, EnvironmentAndHostJson) {
  Environment env = {{"CORS_ALLOWED_ORIGINS", R"(["https://a", "https://b"])"},
                     {"CORS_SUPPORT_CREDENTIALS", "true"},
                     {"AzureWebJobsSecretStoragePath", "/s"},
                     {"PYFN_REQUEST_HEADERS_TIMEOUT", "5"},
                     {"PYFN_LOG_FORMAT", "JSON"}};
  HostConfig hc;
  hc.raw = nlohmann::json::parse(
      R"({"extensions": {"http": {"maxConcurrentRequests": 3, "maxOutstandingRequests": 9,
          "dynamicThrottlesEnabled": true}}})");
  LocalSettings local;
  local.host = nlohmann::json::parse(R"({"CORS": "*", "CORSCredentials": false})");
  ProdSettings p;
  ASSERT_TRUE(ResolveProdSettings(env, local, hc, &p).ok());
  EXPECT_EQ(p.cors_origins, (std::vector<std::string>{"https://a", "https://b"}));
  EXPECT_TRUE(p.cors_credentials);
  EXPECT_EQ(p.secrets_path, "/s");
  EXPECT_EQ(p.headers_timeout.count(), 5);
  EXPECT_EQ(p.max_concurrent_requests, 3);
  EXPECT_EQ(p.max_outstanding_requests, 9);
  EXPECT_TRUE(p.dynamic_throttles);
  EXPECT_EQ(p.log_format, "json");
}

TEST(ProdSettingsTest, LocalSettingsCors) {
  LocalSettings local;
  local.host = nlohmann::json::parse(R"({"CORS": "http://a, http://b", "CORSCredentials": true})");
  ProdSettings p;
  ASSERT_TRUE(ResolveProdSettings({}, local, HostConfig(), &p).ok());
  EXPECT_EQ(p.cors_origins.size(), 2u);
  EXPECT_TRUE(p.cors_credentials);
}

TEST(ProdSettingsTest, BlobSecretStorage) {
  ProdSettings p;
  ASSERT_TRUE(ResolveProdSettings({{"AzureWebJobsSecretStorageType", "Blob"}}, LocalSettings(),
                                  HostConfig(), &p).ok());
  EXPECT_EQ(p.secret_storage_type, "blob");
  // As Azure: a secrets SAS URI alone selects blob storage; an explicit type wins.
  ProdSettings q;
  ASSERT_TRUE(ResolveProdSettings({{"AzureWebJobsSecretStorageSas", "https://a/c?sig=x"}},
                                  LocalSettings(), HostConfig(), &q).ok());
  EXPECT_EQ(q.secret_storage_type, "blob");
  ProdSettings r;
  ASSERT_TRUE(ResolveProdSettings({{"AzureWebJobsSecretStorageSas", "https://a/c?sig=x"},
                                   {"AzureWebJobsSecretStorageType", "files"}},
                                  LocalSettings(), HostConfig(), &r).ok());
  EXPECT_EQ(r.secret_storage_type, "files");
}

TEST(ProdSettingsTest, Errors) {
  ProdSettings p;
  EXPECT_FALSE(ResolveProdSettings({{"PYFN_MASTER_KEY", "short"}}, LocalSettings(), HostConfig(), &p).ok());
  EXPECT_FALSE(ResolveProdSettings({{"AzureWebJobsSecretStorageType", "keyvault"}}, LocalSettings(),
                                   HostConfig(), &p).ok());
  EXPECT_FALSE(ResolveProdSettings({{"PYFN_LOG_FORMAT", "xml"}}, LocalSettings(), HostConfig(), &p).ok());
  HostConfig hc;
  hc.raw = nlohmann::json::parse(R"({"extensions": {"http": {"maxConcurrentRequests": "x"}}})");
  EXPECT_FALSE(ResolveProdSettings({}, LocalSettings(), hc, &p).ok());
}

}  // namespace
}  // namespace pyfn
