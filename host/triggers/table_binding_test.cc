// The table bindings without a network: StorageRuntime on a
// storage::FakeTransport, TableBinding's reads and writes, value -> entity
// conversion, OData filter expressions and load-time validation.
#include "host/triggers/table_binding.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "host/storage/encoding.h"
#include "host/storage/fake_transport.h"
#include "host/triggers/storage_runtime.h"
#include "host/triggers/trigger_util.h"

namespace pyfn {
namespace {

FunctionSpec Function(const nlohmann::json& bindings) {
  FunctionSpec fn;
  fn.name = "fn";
  EXPECT_TRUE(ParseBindings(bindings, &fn).ok());
  return fn;
}

BindingSpec Binding(const nlohmann::json& raw) {
  nlohmann::json arr = nlohmann::json::array();
  arr.push_back({{"type", "httpTrigger"}, {"direction", "in"}, {"name", "req"}});
  arr.push_back(raw);
  return Function(arr).bindings[1];
}

class TableBindingTest : public ::testing::Test {
 protected:
  TableBindingTest()
      : rt_(Environment{{"AzureWebJobsStorage", "UseDevelopmentStorage=true"},
                        {"NoTables", "BlobEndpoint=http://127.0.0.1:1/a;SharedAccessSignature=sig=x"},
                        {"TableSetting", "people"}},
            nlohmann::json::object(), "/app", &fake_),
        table_(&rt_) {
    (*http_.mutable_params())["partition"] = "p'1";
    (*http_.mutable_params())["row"] = "r1";
    (*http_.mutable_query())["min"] = "3";
  }

  BindingContext Ctx(const BindingSpec* b) { return BindingContext{nullptr, b, &id_, nullptr, &http_}; }

  storage::FakeTransport fake_;
  StorageRuntime rt_;
  TableBinding table_;
  rpc::RpcHttp http_;
  std::string id_ = "inv";
};

TEST_F(TableBindingTest, ReadsOneEntityByRouteKeys) {
  BindingSpec b = Binding({{"type", "table"}, {"direction", "in"}, {"name", "e"},
                           {"tableName", "%TableSetting%"}, {"partitionKey", "{partition}"},
                           {"rowKey", "{row}"}});
  fake_.Enqueue(200, R"({"odata.metadata": "m", "odata.etag": "W/\"1\"", "PartitionKey": "p'1",
      "RowKey": "r1", "Timestamp": "2024-01-01T00:00:00Z", "age": "40",
      "age@odata.type": "Edm.Int64"})");
  rpc::TypedData out;
  ASSERT_TRUE(table_.Read(Ctx(&b), &out).ok());
  EXPECT_EQ(nlohmann::json::parse(out.json()),
            nlohmann::json({{"PartitionKey", "p'1"}, {"RowKey", "r1"}, {"age", 40}}));
  EXPECT_EQ(fake_.last_request().url,
            "http://127.0.0.1:10002/devstoreaccount1/people(PartitionKey='p%27%271',RowKey='r1')");
}

TEST_F(TableBindingTest, MissingEntityOrTableIsNoValue) {
  BindingSpec b = Binding({{"type", "table"}, {"direction", "in"}, {"name", "e"},
                           {"tableName", "people"}, {"partitionKey", "p"}, {"rowKey", "r"}});
  fake_.Enqueue(404, R"({"odata.error": {"code": "ResourceNotFound", "message": "gone"}})");
  fake_.Enqueue(404, R"({"odata.error": {"code": "TableNotFound", "message": "no table"}})");
  for (int i = 0; i < 2; ++i) {
    rpc::TypedData out;
    ASSERT_TRUE(table_.Read(Ctx(&b), &out).ok());
    EXPECT_EQ(out.data_case(), rpc::TypedData::DATA_NOT_SET);
  }
}

TEST_F(TableBindingTest, QueryCombinesPartitionFilterAndTake) {
  BindingSpec b = Binding({{"type", "table"}, {"direction", "in"}, {"name", "e"},
                           {"tableName", "people"}, {"partitionKey", "{partition}"},
                           {"filter", "age ge {min} or Name eq '{row}'"}, {"take", "2"}});
  fake_.Enqueue(200, R"({"value": [{"PartitionKey": "p'1", "RowKey": "a", "Timestamp": "t"},
      {"PartitionKey": "p'1", "RowKey": "b"}]})");
  rpc::TypedData out;
  ASSERT_TRUE(table_.Read(Ctx(&b), &out).ok());
  EXPECT_EQ(nlohmann::json::parse(out.json()),
            nlohmann::json::parse(R"([{"PartitionKey": "p'1", "RowKey": "a"},
                                      {"PartitionKey": "p'1", "RowKey": "b"}])"));
  std::string url = fake_.last_request().url;
  EXPECT_EQ(storage::UrlDecode(url.substr(url.find('?') + 1)),
            "$filter=PartitionKey eq 'p''1' and (age ge 3 or Name eq 'r1')&$top=2");
}

TEST_F(TableBindingTest, QueryOfAMissingTableFailsNamingIt) {
  BindingSpec b = Binding({{"type", "table"}, {"direction", "in"}, {"name", "e"},
                           {"tableName", "nosuch"}});
  fake_.Enqueue(404, R"({"odata.error": {"code": "TableNotFound", "message": "no table"}})");
  rpc::TypedData out;
  Status s = table_.Read(Ctx(&b), &out);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("QueryEntities nosuch: 404 TableNotFound"), std::string::npos)
      << s.message();
}

TEST(TableFilterTest, QuotedValuesAreEscapedOthersMustBeLiterals) {
  storage::BindingData data;
  data.Set("name", "O'Brien");
  data.Set("n", "42");
  data.Set("flag", "True");
  data.Set("bad", "1 or true");
  std::string out;
  ASSERT_TRUE(ResolveTableFilter("Name eq '{name}' and N gt {n} and F eq {flag}", data, &out).ok());
  EXPECT_EQ(out, "Name eq 'O''Brien' and N gt 42 and F eq True");
  Status s = ResolveTableFilter("N gt {bad}", data, &out);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("'{bad}'"), std::string::npos) << s.message();
  // Quoted once and unquoted once: not a string literal, so it must be a literal value.
  EXPECT_FALSE(ResolveTableFilter("A eq '{name}' or B eq {name}", data, &out).ok());
  // The whole filter as one parameter is taken as is.
  data.Set("whole", "RowKey eq 'x'");
  ASSERT_TRUE(ResolveTableFilter("{whole}", data, &out).ok());
  EXPECT_EQ(out, "RowKey eq 'x'");
  EXPECT_FALSE(ResolveTableFilter("RowKey eq '{missing}'", data, &out).ok());
}

TEST(TableEntitiesTest, ValuesBecomeEntities) {
  std::vector<nlohmann::json> e;
  rpc::TypedData d;
  d.set_string(R"({"PartitionKey": "p", "RowKey": "r"})");
  ASSERT_TRUE(TableEntitiesFromTypedData(d, &e).ok());
  EXPECT_EQ(e.size(), 1u);
  d.set_json(R"([{"RowKey": "1"}, {"RowKey": "2"}])");
  ASSERT_TRUE(TableEntitiesFromTypedData(d, &e).ok());
  EXPECT_EQ(e.size(), 2u);
  d.set_bytes("[]");
  ASSERT_TRUE(TableEntitiesFromTypedData(d, &e).ok());
  EXPECT_TRUE(e.empty());
  d.set_string("not json");
  EXPECT_FALSE(TableEntitiesFromTypedData(d, &e).ok());
  d.set_json("[1]");
  Status s = TableEntitiesFromTypedData(d, &e);
  EXPECT_NE(s.message().find("array element 0"), std::string::npos) << s.message();
  d.set_int_(3);
  s = TableEntitiesFromTypedData(d, &e);
  EXPECT_NE(s.message().find("'int'"), std::string::npos) << s.message();
}

TEST_F(TableBindingTest, WriteInsertsWithBindingKeysAndCreatesAMissingTable) {
  BindingSpec b = Binding({{"type", "table"}, {"direction", "out"}, {"name", "o"},
                           {"tableName", "people"}, {"partitionKey", "{partition}"}});
  fake_.Enqueue(404, R"({"odata.error": {"code": "TableNotFound", "message": "no table"}})");
  fake_.Enqueue(201);  // create table
  fake_.Enqueue(204);  // insert again
  fake_.Enqueue(204);  // the second entity: upsert
  rpc::TypedData v;
  v.set_string(R"([{"RowKey": "a", "n": 1}, {"PartitionKey": "own", "RowKey": "b", "ETag": "*"}])");
  ASSERT_TRUE(table_.Write(Ctx(&b), v).ok());
  auto reqs = fake_.requests();
  ASSERT_EQ(reqs.size(), 4u);
  EXPECT_EQ(reqs[0].method, "POST");
  EXPECT_EQ(nlohmann::json::parse(reqs[0].body),
            nlohmann::json({{"PartitionKey", "p'1"}, {"RowKey", "a"}, {"n", "1"},
                            {"n@odata.type", "Edm.Int64"}}));
  EXPECT_EQ(reqs[1].url, "http://127.0.0.1:10002/devstoreaccount1/Tables");
  EXPECT_EQ(reqs[2].body, reqs[0].body);
  EXPECT_EQ(reqs[3].method, "PUT");
  EXPECT_EQ(reqs[3].url,
            "http://127.0.0.1:10002/devstoreaccount1/people(PartitionKey='own',RowKey='b')");
  EXPECT_EQ(reqs[3].Header("If-Match"), nullptr);
}

TEST_F(TableBindingTest, ConflictFailsNamingTableAndOperation) {
  BindingSpec b = Binding({{"type", "table"}, {"direction", "out"}, {"name", "o"},
                           {"tableName", "people"}});
  fake_.Enqueue(204);
  fake_.Enqueue(409, R"({"odata.error": {"code": "EntityAlreadyExists", "message": {"lang":
      "en-US", "value": "The specified entity already exists.\nRequestId:1"}}})");
  rpc::TypedData v;
  v.set_json(R"([{"PartitionKey": "p", "RowKey": "1"}, {"PartitionKey": "p", "RowKey": "2"}])");
  Status s = table_.Write(Ctx(&b), v);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("InsertEntity people (PartitionKey 'p', RowKey '2'): 409 "
                             "EntityAlreadyExists"),
            std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("entities 0-0 of this value were written"), std::string::npos);
  // A bad entity fails before anything is sent.
  size_t sent = fake_.requests().size();
  v.set_json(R"({"RowKey": "x"})");
  s = table_.Write(Ctx(&b), v);
  EXPECT_NE(s.message().find("table 'people': entity is not valid: the entity has no "
                             "PartitionKey"),
            std::string::npos)
      << s.message();
  EXPECT_EQ(fake_.requests().size(), sent);
}

TEST_F(TableBindingTest, ReplaceWithAnETagIsConditional) {
  BindingSpec b = Binding({{"type", "table"}, {"direction", "out"}, {"name", "o"},
                           {"tableName", "people"}, {"partitionKey", "p"}, {"rowKey", "r"}});
  fake_.Enqueue(204);
  rpc::TypedData v;
  v.set_json(R"({"etag": "W/\"datetime'x'\"", "v": 1.5})");
  ASSERT_TRUE(table_.Write(Ctx(&b), v).ok());
  EXPECT_EQ(fake_.last_request().method, "PUT");
  EXPECT_EQ(*fake_.last_request().Header("If-Match"), "W/\"datetime'x'\"");
}

TEST_F(TableBindingTest, ValidateFunctionChecksTableBindings) {
  auto check = [&](const nlohmann::json& table) {
    nlohmann::json arr = nlohmann::json::array();
    arr.push_back({{"type", "httpTrigger"}, {"direction", "in"}, {"name", "req"}});
    arr.push_back(table);
    return rt_.ValidateFunction(Function(arr));
  };
  nlohmann::json ok = {{"type", "table"}, {"direction", "in"}, {"name", "t"},
                       {"tableName", "people"}, {"take", 5}};
  EXPECT_TRUE(check(ok).ok());
  nlohmann::json j = ok;
  j.erase("tableName");
  EXPECT_NE(check(j).message().find("has no 'tableName'"), std::string::npos);
  j = ok;
  j["tableName"] = "bad-name";
  EXPECT_NE(check(j).message().find("'bad-name' is not a valid table name"), std::string::npos);
  j["tableName"] = "{name}";
  EXPECT_TRUE(check(j).ok());
  j = ok;
  j["rowKey"] = "r";
  EXPECT_NE(check(j).message().find("a rowKey needs a partitionKey"), std::string::npos);
  j = ok;
  j["take"] = "many";
  EXPECT_NE(check(j).message().find("take must be an integer"), std::string::npos);
  j = ok;
  j["connection"] = "Missing";
  EXPECT_NE(check(j).message().find("'Missing' is not set"), std::string::npos);
  j["connection"] = "NoTables";
  EXPECT_NE(check(j).message().find("'NoTables' names no table endpoint"), std::string::npos)
      << check(j).message();
}

}  // namespace
}  // namespace pyfn
