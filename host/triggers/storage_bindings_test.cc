// The host's storage bindings (spec B5-B7) without a network: StorageRuntime on
// a storage::FakeTransport, the blob and queue extensions, binding data,
// host.json settings, load-time validation and the trigger helpers.
#include <gtest/gtest.h>

#include <future>
#include <string>
#include <vector>

#include "host/storage/encoding.h"
#include "host/storage/fake_transport.h"
#include "host/triggers/blob_binding.h"
#include "host/triggers/queue_binding.h"
#include "host/triggers/queue_trigger.h"
#include "host/triggers/storage_runtime.h"
#include "host/triggers/trigger_util.h"

namespace pyfn {
namespace {

const char kConn[] = "UseDevelopmentStorage=true";

BindingSpec Binding(const nlohmann::json& raw) {
  FunctionSpec fn;
  fn.name = "f";
  nlohmann::json arr = nlohmann::json::array();
  arr.push_back({{"type", "httpTrigger"}, {"direction", "in"}, {"name", "req"}});
  arr.push_back(raw);
  EXPECT_TRUE(ParseBindings(arr, &fn).ok());
  return fn.bindings[1];
}

FunctionSpec Function(const nlohmann::json& bindings) {
  FunctionSpec fn;
  fn.name = "fn";
  EXPECT_TRUE(ParseBindings(bindings, &fn).ok());
  return fn;
}

class StorageBindingsTest : public ::testing::Test {
 protected:
  StorageBindingsTest()
      : rt_(Environment{{"AzureWebJobsStorage", kConn}, {"Bad", "nonsense"}},
            nlohmann::json::object(), "/app", &fake_) {}

  storage::FakeTransport fake_;
  StorageRuntime rt_;
};

TEST(QueueSettingsTest, DefaultsAndHostJson) {
  QueueSettings q;
  ASSERT_TRUE(ParseQueueSettings(nlohmann::json::object(), &q).ok());
  EXPECT_EQ(q.batch_size, 16);
  EXPECT_EQ(q.threshold(), 8);
  EXPECT_EQ(q.max_dequeue_count, 5);
  EXPECT_EQ(q.max_polling_interval.count(), 60000);
  auto j = nlohmann::json::parse(R"({"extensions": {"queues": {"batchSize": 4,
      "newBatchThreshold": 1, "maxPollingInterval": "00:00:02", "visibilityTimeout": 1500,
      "maxDequeueCount": "3", "messageEncoding": "none"}}})");
  ASSERT_TRUE(ParseQueueSettings(j, &q).ok());
  EXPECT_EQ(q.batch_size, 4);
  EXPECT_EQ(q.threshold(), 1);
  EXPECT_EQ(q.max_polling_interval.count(), 2000);
  EXPECT_EQ(q.visibility_timeout.count(), 1500);
  EXPECT_EQ(q.max_dequeue_count, 3);
  EXPECT_EQ(q.encoding, storage::MessageEncoding::kNone);
}

TEST(QueueSettingsTest, ErrorsNameTheSetting) {
  QueueSettings q;
  Status s = ParseQueueSettings(
      nlohmann::json::parse(R"({"extensions": {"queues": {"batchSize": 64}}})"), &q);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("extensions.queues.batchSize"), std::string::npos);
  s = ParseQueueSettings(
      nlohmann::json::parse(R"({"extensions": {"queues": {"maxPollingInterval": "soon"}}})"), &q);
  EXPECT_NE(s.message().find("maxPollingInterval"), std::string::npos);
}

TEST(QueueMessagesTest, ValuesBecomeMessages) {
  std::vector<std::string> m;
  rpc::TypedData d;
  d.set_string("hi");
  ASSERT_TRUE(QueueMessagesFromTypedData(d, &m).ok());
  EXPECT_EQ(m, std::vector<std::string>{"hi"});
  d.set_json(R"(["a", {"id": null, "body": "b"}, {"x": 1}, 2])");
  ASSERT_TRUE(QueueMessagesFromTypedData(d, &m).ok());
  EXPECT_EQ(m, (std::vector<std::string>{"a", "b", R"({"x":1})", "2"}));
  d.set_json(R"({"id": "1", "body": "message body"})");
  ASSERT_TRUE(QueueMessagesFromTypedData(d, &m).ok());
  EXPECT_EQ(m, std::vector<std::string>{"message body"});
  d.set_json(R"({"order": 7})");
  ASSERT_TRUE(QueueMessagesFromTypedData(d, &m).ok());
  EXPECT_EQ(m, std::vector<std::string>{R"({"order":7})"});
  d.mutable_collection_string()->add_string("x");
  d.mutable_collection_string()->add_string("y");
  ASSERT_TRUE(QueueMessagesFromTypedData(d, &m).ok());
  EXPECT_EQ(m.size(), 2u);
  d.mutable_http();
  EXPECT_FALSE(QueueMessagesFromTypedData(d, &m).ok());
}

TEST(BlobContentTest, UnsupportedTypeNamesIt) {
  rpc::TypedData d;
  d.mutable_http();
  std::string c;
  Status s = BlobContentFromTypedData(d, &c);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("'http'"), std::string::npos);
  d.set_bytes(std::string("\0\1", 2));
  ASSERT_TRUE(BlobContentFromTypedData(d, &c).ok());
  EXPECT_EQ(c.size(), 2u);
}

TEST(BindingDataTest, RouteQueryBodyAndTriggerMetadata) {
  rpc::RpcHttp http;
  (*http.mutable_params())["id"] = "42";
  (*http.mutable_query())["kind"] = "x";
  http.mutable_body()->set_bytes(R"({"folder": "f", "deep": {"name": "n"}})");
  std::map<std::string, rpc::TypedData> md;
  md["QueueTrigger"] = StringData(R"({"orderId": 9})");
  md["DequeueCount"] = JsonData(2);
  storage::BindingData data;
  BuildBindingData(&http, &md, &data);
  BindingSpec b = Binding({{"type", "blob"}, {"direction", "out"}, {"name", "out"},
                           {"path", "c/{id}-{kind}/{folder}/{deep.name}/{orderId}-{DequeueCount}"}});
  std::string out;
  ASSERT_TRUE(ResolveBindingProperty(b, "path", data, nullptr, &out).ok());
  EXPECT_EQ(out, "c/42-x/f/n/9-2");
}

TEST(BindingDataTest, UnresolvableNamesBindingAndExpression) {
  storage::BindingData data;
  BindingSpec b = Binding({{"type", "blob"}, {"direction", "out"}, {"name", "out"},
                           {"path", "c/{missing}"}});
  std::string out;
  Status s = ResolveBindingProperty(b, "path", data, nullptr, &out);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("binding 'out'"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("{missing}"), std::string::npos) << s.message();
}

TEST_F(StorageBindingsTest, ValidateFunctionL8) {
  auto fn = Function(nlohmann::json::parse(R"([
      {"type": "httpTrigger", "direction": "in", "name": "req"},
      {"type": "blob", "direction": "in", "name": "b", "path": "c/x", "connection": "Nope"}])"));
  Status s = rt_.ValidateFunction(fn);
  EXPECT_NE(s.message().find("'Nope' is not set"), std::string::npos) << s.message();
  fn = Function(nlohmann::json::parse(R"([
      {"type": "queueTrigger", "direction": "in", "name": "m", "queueName": "q", "connection": "Bad"}])"));
  s = rt_.ValidateFunction(fn);
  EXPECT_NE(s.message().find("'Bad' is malformed"), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find("nonsense"), std::string::npos) << "the value must not be logged";
  fn = Function(nlohmann::json::parse(R"([
      {"type": "timerTrigger", "direction": "in", "name": "t", "schedule": "0 0 25 * * *"}])"));
  EXPECT_FALSE(rt_.ValidateFunction(fn).ok());
  fn = Function(nlohmann::json::parse(R"([
      {"type": "blobTrigger", "direction": "in", "name": "b", "path": "{c}/x"}])"));
  EXPECT_FALSE(rt_.ValidateFunction(fn).ok());
  fn = Function(nlohmann::json::parse(R"([
      {"type": "queueTrigger", "direction": "in", "name": "m", "queueName": "work"},
      {"type": "blob", "direction": "out", "name": "o", "path": "out/{queueTrigger}"}])"));
  EXPECT_TRUE(rt_.ValidateFunction(fn).ok());
}

TEST_F(StorageBindingsTest, BlobInputMissingIsNoValue) {
  fake_.Enqueue(404, "", {{"x-ms-error-code", "BlobNotFound"}});
  BlobBinding blob(&rt_);
  BindingSpec b = Binding({{"type", "blob"}, {"direction", "in"}, {"name", "b"},
                           {"path", "c/{id}"}});
  rpc::RpcHttp http;
  (*http.mutable_params())["id"] = "a.txt";
  std::string id = "inv";
  BindingContext ctx{nullptr, &b, &id, nullptr, &http};
  rpc::TypedData out;
  ASSERT_TRUE(blob.Read(ctx, &out).ok());
  EXPECT_EQ(out.data_case(), rpc::TypedData::DATA_NOT_SET);
  EXPECT_NE(fake_.last_request().url.find("/c/a.txt"), std::string::npos);
}

TEST_F(StorageBindingsTest, BlobInputBytesOrString) {
  BlobBinding blob(&rt_);
  BindingSpec b = Binding({{"type", "blob"}, {"direction", "in"}, {"name", "b"},
                           {"path", "c/x"}, {"dataType", "STRING"}});
  std::string id = "inv";
  BindingContext ctx{nullptr, &b, &id, nullptr, nullptr};
  fake_.Enqueue(200, "text");
  rpc::TypedData out;
  ASSERT_TRUE(blob.Read(ctx, &out).ok());
  EXPECT_EQ(out.string(), "text");
  b.data_type = "";
  fake_.Enqueue(200, "raw");
  ASSERT_TRUE(blob.Read(ctx, &out).ok());
  EXPECT_EQ(out.bytes(), "raw");
}

TEST_F(StorageBindingsTest, BlobOutputCreatesContainerThenPuts) {
  BlobBinding blob(&rt_);
  BindingSpec b = Binding({{"type", "blob"}, {"direction", "out"}, {"name", "o"},
                           {"path", "new-c/{id}.txt"}});
  rpc::RpcHttp http;
  (*http.mutable_params())["id"] = "doc";
  std::string id = "inv";
  BindingContext ctx{nullptr, &b, &id, nullptr, &http};
  fake_.Enqueue(201);  // create container
  fake_.Enqueue(201);  // put blob
  rpc::TypedData v;
  v.set_string("content");
  ASSERT_TRUE(blob.Write(ctx, v).ok());
  auto reqs = fake_.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_NE(reqs[0].url.find("new-c?restype=container"), std::string::npos) << reqs[0].url;
  EXPECT_NE(reqs[1].url.find("new-c/doc.txt"), std::string::npos) << reqs[1].url;
  EXPECT_EQ(reqs[1].body, "content");
}

TEST_F(StorageBindingsTest, StorageFailureNamesAccountAndOperation) {
  BlobBinding blob(&rt_);
  BindingSpec b = Binding({{"type", "blob"}, {"direction", "in"}, {"name", "b"},
                           {"path", "c/x"}});
  std::string id = "inv";
  BindingContext ctx{nullptr, &b, &id, nullptr, nullptr};
  fake_.Enqueue(403, "", {{"x-ms-error-code", "AuthenticationFailed"}});
  rpc::TypedData out;
  Status s = blob.Read(ctx, &out);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("devstoreaccount1"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("GetBlob c/x"), std::string::npos) << s.message();
}

TEST_F(StorageBindingsTest, QueueOutputOneBase64MessagePerItem) {
  QueueBinding queue(&rt_);
  BindingSpec b = Binding({{"type", "queue"}, {"direction", "out"}, {"name", "o"},
                           {"queueName", "out-items"}});
  std::string id = "inv";
  BindingContext ctx{nullptr, &b, &id, nullptr, nullptr};
  fake_.SetHandler([](const storage::HttpRequest& req, storage::HttpResponse* resp) {
    resp->status = 201;
    if (req.method == "POST")
      resp->body = "<QueueMessagesList><QueueMessage><MessageId>1</MessageId><PopReceipt>p"
                   "</PopReceipt></QueueMessage></QueueMessagesList>";
    return storage::Status::OK();
  });
  rpc::TypedData v;
  v.set_json(R"(["one", "two"])");
  ASSERT_TRUE(queue.Write(ctx, v).ok());
  auto reqs = fake_.requests();
  ASSERT_EQ(reqs.size(), 3u);  // create queue, two messages
  EXPECT_EQ(reqs[0].method, "PUT");
  EXPECT_NE(reqs[1].body.find(storage::Base64Encode("one")), std::string::npos) << reqs[1].body;
  EXPECT_NE(reqs[2].body.find(storage::Base64Encode("two")), std::string::npos) << reqs[2].body;
}

TEST(QueueTriggerTest, JsonRequirementFromOtherBindings) {
  auto fn = Function(nlohmann::json::parse(R"([
      {"type": "queueTrigger", "direction": "in", "name": "m", "queueName": "q"},
      {"type": "blob", "direction": "out", "name": "o", "path": "c/{queueTrigger}-{rand-guid}"}])"));
  EXPECT_EQ(QueueTrigger::JsonRequirement(fn), "");
  fn = Function(nlohmann::json::parse(R"([
      {"type": "queueTrigger", "direction": "in", "name": "m", "queueName": "q"},
      {"type": "blob", "direction": "out", "name": "o", "path": "c/{orderId}"}])"));
  EXPECT_EQ(QueueTrigger::JsonRequirement(fn), "binding 'o' uses {orderId}");
}

TEST(TriggerUtilTest, AzureTimes) {
  EXPECT_EQ(AzureTime(0), "1970-01-01T00:00:00.0000000+00:00");
  int64_t t = 0;
  ASSERT_TRUE(ParseAzureTime("2021-01-01T01:00:00.0000000+01:00", &t));
  EXPECT_EQ(t, 1609459200);
  ASSERT_TRUE(ParseAzureTime("2021-01-01T00:00:00Z", &t));
  EXPECT_EQ(t, 1609459200);
  EXPECT_FALSE(ParseAzureTime("yesterday", &t));
  storage::TimeZone tz;
  ASSERT_TRUE(storage::TimeZone::Load("Europe/Berlin", &tz).ok());
  EXPECT_EQ(AzureLocalTime(1609459200, tz), "2021-01-01T01:00:00.0000000+01:00");
}

// Storage text that is not UTF-8 (queue message ids, blob names, metadata)
// still makes a TypedData the worker can parse: U+FFFD, never a throw.
TEST(TriggerUtilTest, StringAndJsonDataAreAlwaysUtf8) {
  std::string bad("blob\xff\xfe.txt", 10);
  EXPECT_EQ(StringData(bad).string(), "blob\xEF\xBF\xBD\xEF\xBF\xBD.txt");
  EXPECT_EQ(StringData("h\xC3\xA9llo").string(), "h\xC3\xA9llo");
  nlohmann::json meta = {{"k", bad}};
  EXPECT_EQ(JsonData(meta).json(), "{\"k\":\"blob\xEF\xBF\xBD\xEF\xBF\xBD.txt\"}");
}

}  // namespace
}  // namespace pyfn
