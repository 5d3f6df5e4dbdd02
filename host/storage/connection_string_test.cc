#include "host/storage/connection_string.h"

#include <gtest/gtest.h>

#include "host/storage/encoding.h"

namespace pyfn {
namespace storage {
namespace {

const char kKey[] = "bm90LWEtcmVhbC1rZXktMDEyMzQ1Njc4OQ==";

TEST(ConnectionStringTest, UseDevelopmentStorage) {
  StorageAccount a;
  ASSERT_TRUE(ParseConnectionString("UseDevelopmentStorage=true", &a).ok());
  EXPECT_EQ(a.name, "devstoreaccount1");
  EXPECT_EQ(a.blob_endpoint, "http://127.0.0.1:10000/devstoreaccount1");
  EXPECT_EQ(a.queue_endpoint, "http://127.0.0.1:10001/devstoreaccount1");
  EXPECT_TRUE(a.development_storage);
  std::string expected_key;
  ASSERT_TRUE(Base64Decode(kDevStoreAccountKey, &expected_key));
  EXPECT_EQ(a.key, expected_key);
}

TEST(ConnectionStringTest, DevelopmentStorageProxy) {
  StorageAccount a;
  ASSERT_TRUE(ParseConnectionString(
                  "usedevelopmentstorage=TRUE; DevelopmentStorageProxyUri=http://azurite:1234/", &a)
                  .ok());
  EXPECT_EQ(a.blob_endpoint, "http://azurite:10000/devstoreaccount1");
  EXPECT_EQ(a.queue_endpoint, "http://azurite:10001/devstoreaccount1");
}

TEST(ConnectionStringTest, DevelopmentStorageRejectsOtherSettings) {
  StorageAccount a;
  Status s = ParseConnectionString("UseDevelopmentStorage=true;AccountName=x", &a);
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("AccountName"), std::string::npos) << s.message();
  EXPECT_FALSE(ParseConnectionString("UseDevelopmentStorage=false", &a).ok());
}

TEST(ConnectionStringTest, FullStringWithDefaultSuffix) {
  StorageAccount a;
  ASSERT_TRUE(ParseConnectionString(std::string("DefaultEndpointsProtocol=https;AccountName=acct;"
                                                "AccountKey=") +
                                        kKey,
                                    &a)
                  .ok());
  EXPECT_EQ(a.name, "acct");
  EXPECT_EQ(a.key, "not-a-real-key-0123456789");
  EXPECT_EQ(a.blob_endpoint, "https://acct.blob.core.windows.net");
  EXPECT_EQ(a.queue_endpoint, "https://acct.queue.core.windows.net");
  EXPECT_FALSE(a.development_storage);
}

TEST(ConnectionStringTest, SuffixProtocolAndExplicitEndpoints) {
  StorageAccount a;
  ASSERT_TRUE(ParseConnectionString(std::string("DefaultEndpointsProtocol=http;AccountName=acct;"
                                                "AccountKey=") +
                                        kKey + ";EndpointSuffix=core.chinacloudapi.cn;",
                                    &a)
                  .ok());
  EXPECT_EQ(a.blob_endpoint, "http://acct.blob.core.chinacloudapi.cn");
  ASSERT_TRUE(ParseConnectionString(std::string("AccountName=devstoreaccount1;AccountKey=") +
                                        kDevStoreAccountKey +
                                        ";BlobEndpoint=http://127.0.0.1:41234/devstoreaccount1/;"
                                        "QueueEndpoint=http://127.0.0.1:41235/devstoreaccount1",
                                    &a)
                  .ok());
  EXPECT_EQ(a.blob_endpoint, "http://127.0.0.1:41234/devstoreaccount1");
  EXPECT_EQ(a.queue_endpoint, "http://127.0.0.1:41235/devstoreaccount1");
  EXPECT_TRUE(a.development_storage);
}

TEST(ConnectionStringTest, SharedAccessSignature) {
  StorageAccount a;
  ASSERT_TRUE(ParseConnectionString("BlobEndpoint=https://acct.blob.core.windows.net/;"
                                    "SharedAccessSignature=?sv=2021-12-02&ss=b&sig=a%2Bb%3D",
                                    &a)
                  .ok());
  EXPECT_EQ(a.sas, "sv=2021-12-02&ss=b&sig=a%2Bb%3D");
  EXPECT_EQ(a.name, "acct");
  EXPECT_FALSE(a.has_key());
  EXPECT_EQ(a.queue_endpoint, "");
}

TEST(ConnectionStringTest, ContainerSasUri) {
  StorageAccount a;
  std::string container;
  ASSERT_TRUE(ParseContainerSasUri(
                  "https://acct.blob.core.windows.net/secrets?sv=2021-12-02&sr=c&sp=rwl&sig=a%2Bb",
                  &a, &container)
                  .ok());
  EXPECT_EQ(container, "secrets");
  EXPECT_EQ(a.blob_endpoint, "https://acct.blob.core.windows.net");
  EXPECT_EQ(a.sas, "sv=2021-12-02&sr=c&sp=rwl&sig=a%2Bb");
  EXPECT_EQ(a.name, "acct");
  EXPECT_FALSE(a.has_key());
  // Path-style, as Azurite serves it.
  ASSERT_TRUE(ParseContainerSasUri("http://127.0.0.1:10000/devstoreaccount1/c/?sv=1&sig=x", &a,
                                   &container)
                  .ok());
  EXPECT_EQ(container, "c");
  EXPECT_EQ(a.blob_endpoint, "http://127.0.0.1:10000/devstoreaccount1");
  EXPECT_EQ(a.name, "devstoreaccount1");
}

TEST(ConnectionStringTest, ContainerSasUriErrorsHideTheSignature) {
  for (const char* uri : {"https://acct.blob.core.windows.net/c",
                          "https://acct.blob.core.windows.net/c?sv=1&sp=SECRETSIG",
                          "https://acct.blob.core.windows.net?sv=1&sig=SECRETSIG",
                          "ftp://acct/c?sig=SECRETSIG", "not a uri"}) {
    StorageAccount a;
    std::string container;
    Status s = ParseContainerSasUri(uri, &a, &container);
    EXPECT_TRUE(s.IsInvalidArgument()) << uri;
    EXPECT_NE(s.message().find("container SAS URI"), std::string::npos) << s.message();
    EXPECT_EQ(s.message().find("SECRETSIG"), std::string::npos) << s.message();
  }
}

TEST(ConnectionStringTest, DevelopmentStorageConnectionStringRoundTrips) {
  StorageAccount a;
  ASSERT_TRUE(
      ParseConnectionString(DevelopmentStorageConnectionString("127.0.0.1", 1, 2), &a).ok());
  EXPECT_EQ(a.blob_endpoint, "http://127.0.0.1:1/devstoreaccount1");
  EXPECT_EQ(a.queue_endpoint, "http://127.0.0.1:2/devstoreaccount1");
}

// Errors name the bad part and never show the key.
TEST(ConnectionStringTest, ErrorsNameThePartButNotTheKey) {
  struct Case {
    std::string text;
    std::string names;
  } cases[] = {
      {"", "empty"},
      {"AccountName=acct;AccountKey=!!notbase64!!", "AccountKey is not valid base64"},
      {"AccountName=acct", "needs AccountKey or SharedAccessSignature"},
      {std::string("AccountKey=") + kKey, "AccountKey needs AccountName"},
      {std::string("AccountName=a;AccountKey=") + kKey + ";SharedAccessSignature=sig=x",
       "cannot both be given"},
      {std::string("DefaultEndpointsProtocol=ftp;AccountName=a;AccountKey=") + kKey,
       "DefaultEndpointsProtocol"},
      {std::string("AccountName=a;AccountKey=") + kKey + ";BlobEndpoint=not a url", "BlobEndpoint"},
      {"BlobEndpoint=https://a.blob.core.windows.net;SharedAccessSignature=sv=1", "sig="},
      {"AccountName=a;secretwithoutequals", "part 2"},
      {"AccountName=a;AccountName=b", "given twice"},
  };
  for (const auto& c : cases) {
    StorageAccount a;
    Status s = ParseConnectionString(c.text, &a);
    EXPECT_TRUE(s.IsInvalidArgument()) << c.text;
    EXPECT_NE(s.message().find(c.names), std::string::npos) << s.message();
    EXPECT_EQ(s.message().find(kKey), std::string::npos) << s.message();
    EXPECT_EQ(s.message().find("notbase64"), std::string::npos) << s.message();
    EXPECT_EQ(s.message().find("secretwithoutequals"), std::string::npos) << s.message();
  }
}

}  // namespace
}  // namespace storage
}  // namespace pyfn
