#include "host/storage/table_client.h"

#include <gtest/gtest.h>

#include "host/storage/encoding.h"
#include "host/storage/fake_transport.h"
#include "host/storage/shared_key.h"

namespace pyfn {
namespace storage {
namespace {

class TableClientTest : public ::testing::Test {
 protected:
  TableClientTest()
      : client_(DevelopmentStorageAccount("127.0.0.1", 10000, 10001, 10002), &fake_,
                [] { return int64_t{784111777}; }) {}
  FakeTransport fake_;
  TableClient client_;
};

const char kBase[] = "http://127.0.0.1:10002/devstoreaccount1/";

TEST(TableSharedKeyTest, StringToSignIsTheTableForm) {
  HttpRequest req;
  req.method = "GET";
  req.url = "http://127.0.0.1:10002/devstoreaccount1/people(PartitionKey='a%20b',RowKey='1')"
            "?$select=Name&comp=acl";
  req.SetHeader("x-ms-date", "Sun, 11 Nov 1994 08:49:37 GMT");
  req.SetHeader("Content-Type", "application/json");
  req.SetHeader("x-ms-version", "2021-12-02");  // not part of the Table form
  EXPECT_EQ(TableSharedKeyStringToSign("devstoreaccount1", req),
            "GET\n\napplication/json\nSun, 11 Nov 1994 08:49:37 GMT\n"
            "/devstoreaccount1/devstoreaccount1/people(PartitionKey='a%20b',RowKey='1')"
            "?comp=acl");
  req.url = "https://a.table.core.windows.net/Tables";
  EXPECT_EQ(TableSharedKeyStringToSign("a", req),
            "GET\n\napplication/json\nSun, 11 Nov 1994 08:49:37 GMT\n/a/Tables");
}

TEST_F(TableClientTest, RequestsAreSignedWithTheTableScheme) {
  fake_.Enqueue(204);
  ASSERT_TRUE(client_.CreateTable("people").ok());
  HttpRequest req = fake_.last_request();
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url, std::string(kBase) + "Tables");
  EXPECT_EQ(nlohmann::json::parse(req.body), nlohmann::json({{"TableName", "people"}}));
  EXPECT_EQ(*req.Header("Accept"), "application/json;odata=minimalmetadata");
  EXPECT_EQ(*req.Header("Content-Type"), "application/json");
  EXPECT_EQ(*req.Header("x-ms-date"), FormatRfc1123(784111777));
  std::string key;
  ASSERT_TRUE(Base64Decode(kDevStoreAccountKey, &key));
  std::string sig = Base64Encode(HmacSha256(key, TableSharedKeyStringToSign("devstoreaccount1",
                                                                            req)));
  EXPECT_EQ(*req.Header("Authorization"), "SharedKey devstoreaccount1:" + sig);
}

TEST_F(TableClientTest, SasGoesIntoTheQueryInsteadOfAKey) {
  StorageAccount a = DevelopmentStorageAccount("127.0.0.1", 10000, 10001, 10002);
  a.key.clear();
  a.sas = "sv=2021-12-02&ss=t&sig=abc%3D";
  TableClient sas(a, &fake_);
  fake_.Enqueue(200, R"({"value": []})");
  std::vector<nlohmann::json> out;
  ASSERT_TRUE(sas.QueryEntities("people", TableQuery(), &out).ok());
  EXPECT_EQ(fake_.last_request().url,
            std::string(kBase) + "people()?sv=2021-12-02&ss=t&sig=abc%3D");
  EXPECT_EQ(fake_.last_request().Header("Authorization"), nullptr);
}

TEST_F(TableClientTest, CreateTableIsIdempotent) {
  fake_.Enqueue(409, R"({"odata.error": {"code": "TableAlreadyExists", "message": {"lang":
      "en-US", "value": "The table specified already exists.\nRequestId:x"}}})");
  bool created = true;
  ASSERT_TRUE(client_.CreateTable("people", &created).ok());
  EXPECT_FALSE(created);
}

TEST_F(TableClientTest, KeysAreODataQuotedThenPercentEncoded) {
  EXPECT_EQ(ODataString("O'Brien"), "'O''Brien'");
  EXPECT_EQ(EntityPath("people", "a b'c", "r&1"),
            "people(PartitionKey='a%20b%27%27c',RowKey='r%261')");
  fake_.Enqueue(200, R"({"odata.metadata": "m", "odata.etag": "W/\"1\"", "PartitionKey": "a b'c",
      "RowKey": "r&1", "Timestamp": "2024-01-01T00:00:00Z", "n": "5", "n@odata.type": "Edm.Int64",
      "name": "x"})");
  nlohmann::json e;
  ASSERT_TRUE(client_.GetEntity("people", "a b'c", "r&1", &e).ok());
  EXPECT_EQ(fake_.last_request().url,
            std::string(kBase) + "people(PartitionKey='a%20b%27%27c',RowKey='r%261')");
  EXPECT_EQ(EntityToPlain(e),
            nlohmann::json({{"PartitionKey", "a b'c"}, {"RowKey", "r&1"}, {"n", 5}, {"name", "x"}}));
}

TEST_F(TableClientTest, MissingEntityIsNotFoundNamingTableAndKeys) {
  fake_.Enqueue(404, R"({"odata.error": {"code": "ResourceNotFound", "message": {"lang": "en-US",
      "value": "The specified resource does not exist.\nRequestId:1"}}})");
  nlohmann::json e;
  Status s = client_.GetEntity("people", "p", "r", &e);
  EXPECT_TRUE(s.IsNotFound());
  EXPECT_EQ(s.error_code(), "ResourceNotFound");
  EXPECT_EQ(s.message(),
            "account devstoreaccount1: GetEntity people (PartitionKey 'p', RowKey 'r'): 404 "
            "ResourceNotFound: The specified resource does not exist.");
}

TEST_F(TableClientTest, QueryFollowsContinuationUntilTake) {
  fake_.Enqueue(200, R"({"value": [{"RowKey": "1"}, {"RowKey": "2"}]})",
                {{"x-ms-continuation-nextpartitionkey", "1!8!cA--"},
                 {"x-ms-continuation-nextrowkey", "1!4!Mw--"}});
  fake_.Enqueue(200, R"({"value": [{"RowKey": "3"}, {"RowKey": "4"}]})",
                {{"x-ms-continuation-nextpartitionkey", "more"}});
  TableQuery q;
  q.filter = "PartitionKey eq 'p' and (n gt 1)";
  q.take = 3;
  std::vector<nlohmann::json> out;
  ASSERT_TRUE(client_.QueryEntities("people", q, &out).ok());
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[2]["RowKey"], "3");
  auto reqs = fake_.requests();
  ASSERT_EQ(reqs.size(), 2u);  // the third entity came with the second page: no third request
  EXPECT_EQ(reqs[0].url, std::string(kBase) +
                             "people()?$filter=PartitionKey%20eq%20%27p%27%20and%20%28n%20gt"
                             "%201%29&$top=3");
  EXPECT_EQ(reqs[1].url, std::string(kBase) +
                             "people()?$filter=PartitionKey%20eq%20%27p%27%20and%20%28n%20gt"
                             "%201%29&$top=1&NextPartitionKey=1%218%21cA--&NextRowKey=1%214%21Mw--");
}

TEST_F(TableClientTest, QueryWithoutTakeReadsEveryPage) {
  fake_.Enqueue(200, R"({"value": [{"RowKey": "1"}]})",
                {{"x-ms-continuation-nextpartitionkey", "np"}});
  fake_.Enqueue(200, R"({"value": [{"RowKey": "2"}]})");
  std::vector<nlohmann::json> out;
  ASSERT_TRUE(client_.QueryEntities("people", TableQuery(), &out).ok());
  EXPECT_EQ(out.size(), 2u);
  EXPECT_EQ(fake_.last_request().url, std::string(kBase) + "people()?NextPartitionKey=np");
  fake_.Enqueue(200, "not json");
  Status s = client_.QueryEntities("people", TableQuery(), &out);
  EXPECT_EQ(s.code(), Status::Code::kCorrupt);
  EXPECT_NE(s.message().find("QueryEntities people"), std::string::npos) << s.message();
}

TEST_F(TableClientTest, WriteModesPickVerbUrlAndIfMatch) {
  nlohmann::json e = {{"PartitionKey", "p"}, {"RowKey", "r"}, {"v", "x"}};
  for (int i = 0; i < 5; ++i) fake_.Enqueue(204);
  ASSERT_TRUE(client_.WriteEntity("people", e, TableWrite::kInsert).ok());
  ASSERT_TRUE(client_.WriteEntity("people", e, TableWrite::kUpsertReplace).ok());
  ASSERT_TRUE(client_.WriteEntity("people", e, TableWrite::kUpsertMerge).ok());
  ASSERT_TRUE(client_.WriteEntity("people", e, TableWrite::kReplace, "W/\"7\"").ok());
  ASSERT_TRUE(client_.WriteEntity("people", e, TableWrite::kMerge).ok());
  auto reqs = fake_.requests();
  ASSERT_EQ(reqs.size(), 5u);
  const std::string entity_url = std::string(kBase) + "people(PartitionKey='p',RowKey='r')";
  EXPECT_EQ(reqs[0].method, "POST");
  EXPECT_EQ(reqs[0].url, std::string(kBase) + "people");
  EXPECT_EQ(*reqs[0].Header("Prefer"), "return-no-content");
  EXPECT_EQ(nlohmann::json::parse(reqs[0].body), e);
  EXPECT_EQ(reqs[1].method, "PUT");
  EXPECT_EQ(reqs[1].url, entity_url);
  EXPECT_EQ(reqs[1].Header("If-Match"), nullptr);
  EXPECT_EQ(reqs[2].method, "MERGE");
  EXPECT_EQ(reqs[2].Header("If-Match"), nullptr);
  EXPECT_EQ(reqs[3].method, "PUT");
  EXPECT_EQ(*reqs[3].Header("If-Match"), "W/\"7\"");
  EXPECT_EQ(reqs[4].method, "MERGE");
  EXPECT_EQ(*reqs[4].Header("If-Match"), "*");
}

TEST_F(TableClientTest, ConflictNamesTableOperationAndKeys) {
  fake_.Enqueue(409, R"({"odata.error": {"code": "EntityAlreadyExists", "message": {"lang":
      "en-US", "value": "The specified entity already exists.\nRequestId:2"}}})");
  Status s = client_.WriteEntity("people", {{"PartitionKey", "p"}, {"RowKey", "r"}},
                                 TableWrite::kInsert);
  EXPECT_TRUE(s.IsConflict());
  EXPECT_EQ(s.message(),
            "account devstoreaccount1: InsertEntity people (PartitionKey 'p', RowKey 'r'): 409 "
            "EntityAlreadyExists: The specified entity already exists.");
  s = client_.WriteEntity("people", {{"RowKey", "r"}}, TableWrite::kInsert);
  EXPECT_TRUE(s.IsInvalidArgument());
}

TEST(TableEntityTest, PlainToWireAsAzureBuildsEntities) {
  nlohmann::json plain = nlohmann::json::parse(R"({"partitionkey": "p", "ROWKEY": "r",
      "etag": "*", "Timestamp": "t", "n": 5, "big": 9007199254740993, "d": 1.5, "b": true,
      "s": "text", "none": null, "obj": {"a": [1, 2]}, "when": "2024-01-02T03:04:05Z",
      "when@odata.type": "Edm.DateTime"})");
  nlohmann::json wire;
  std::string etag;
  ASSERT_TRUE(EntityFromPlain(plain, nullptr, nullptr, &wire, &etag).ok());
  EXPECT_EQ(etag, "*");
  EXPECT_EQ(wire, nlohmann::json::parse(R"({"PartitionKey": "p", "RowKey": "r",
      "n": "5", "n@odata.type": "Edm.Int64", "big": "9007199254740993",
      "big@odata.type": "Edm.Int64", "d": 1.5, "d@odata.type": "Edm.Double", "b": true,
      "s": "text", "obj": "{\"a\":[1,2]}", "when": "2024-01-02T03:04:05Z",
      "when@odata.type": "Edm.DateTime"})"));
  // And back: 64-bit integers are numbers again, annotations and Timestamp gone.
  wire["Timestamp"] = "2024-01-01T00:00:00Z";
  wire["odata.etag"] = "W/\"x\"";
  EXPECT_EQ(EntityToPlain(wire), nlohmann::json::parse(R"({"PartitionKey": "p", "RowKey": "r",
      "n": 5, "big": 9007199254740993, "d": 1.5, "b": true, "s": "text", "obj": "{\"a\":[1,2]}",
      "when": "2024-01-02T03:04:05Z"})"));
}

TEST(TableEntityTest, BindingKeysFillOnlyWhatIsMissing) {
  std::string pk = "from-binding", rk = "row-binding";
  nlohmann::json wire;
  std::string etag;
  ASSERT_TRUE(EntityFromPlain({{"RowKey", "mine"}}, &pk, &rk, &wire, &etag).ok());
  EXPECT_EQ(wire["PartitionKey"], "from-binding");
  EXPECT_EQ(wire["RowKey"], "mine");
  EXPECT_TRUE(etag.empty());
  std::string empty;
  ASSERT_TRUE(EntityFromPlain({{"x", 1}}, &empty, &empty, &wire, &etag).ok())
      << "empty keys are valid, as in Azure";
  Status s = EntityFromPlain({{"RowKey", "r"}}, nullptr, nullptr, &wire, &etag);
  EXPECT_NE(s.message().find("no PartitionKey"), std::string::npos) << s.message();
  s = EntityFromPlain({{"PartitionKey", 1}, {"RowKey", "r"}}, nullptr, nullptr, &wire, &etag);
  EXPECT_NE(s.message().find("PartitionKey must be a string"), std::string::npos) << s.message();
  s = EntityFromPlain({{"PartitionKey", "a/b"}, {"RowKey", "r"}}, nullptr, nullptr, &wire, &etag);
  EXPECT_NE(s.message().find("PartitionKey 'a/b'"), std::string::npos) << s.message();
  s = EntityFromPlain(nlohmann::json::array(), nullptr, nullptr, &wire, &etag);
  EXPECT_NE(s.message().find("JSON object, got array"), std::string::npos) << s.message();
}

TEST(TableEntityTest, KeyAndNameRules) {
  EXPECT_TRUE(ValidateTableKey("RowKey", "ok key-1.é").ok());
  EXPECT_FALSE(ValidateTableKey("RowKey", "a#b").ok());
  EXPECT_FALSE(ValidateTableKey("RowKey", "a?b").ok());
  EXPECT_FALSE(ValidateTableKey("RowKey", "a\\b").ok());
  EXPECT_FALSE(ValidateTableKey("RowKey", "tab\there").ok());
  EXPECT_FALSE(ValidateTableKey("RowKey", "c1\xC2\x85").ok());
  EXPECT_FALSE(ValidateTableKey("RowKey", std::string(1025, 'k')).ok());
  EXPECT_TRUE(IsValidTableName("People1"));
  EXPECT_FALSE(IsValidTableName("1people"));
  EXPECT_FALSE(IsValidTableName("pe"));
  EXPECT_FALSE(IsValidTableName("my-table"));
  EXPECT_FALSE(IsValidTableName(std::string(64, 'a')));
}

}  // namespace
}  // namespace storage
}  // namespace pyfn
