// The Event Grid output binding (docs/behaviour.md, "Event Grid") on a
// storage::FakeTransport: load-time checks, the events a value becomes, the
// publish request, and the errors that name the topic.
#include "host/triggers/eventgrid_binding.h"

#include <gtest/gtest.h>

#include "host/storage/fake_transport.h"

namespace pyfn {
namespace {

using json = nlohmann::json;

FunctionSpec Function(const json& out_binding) {
  FunctionSpec fn;
  fn.name = "fn";
  json arr = json::array();
  arr.push_back({{"type", "httpTrigger"}, {"direction", "in"}, {"name", "req"}});
  arr.push_back(out_binding);
  EXPECT_TRUE(ParseBindings(arr, &fn).ok());
  return fn;
}

json Out(const json& extra = json::object()) {
  json b = {{"type", "eventGrid"},
            {"direction", "out"},
            {"name", "outputEvent"},
            {"topicEndpointUri", "MyTopicUri"},
            {"topicKeySetting", "MyTopicKey"}};
  b.update(extra);
  return b;
}

rpc::TypedData Json(const std::string& text) {
  rpc::TypedData d;
  d.set_json(text);
  return d;
}

TEST(EventGridValidate, PropertiesSettingsAndConnection) {
  Environment env{{"MyTopicUri", "https://t.westus-1.eventgrid.azure.net/api/events"},
                  {"MyTopicKey", "k3y"},
                  {"NotAUrl", "t.example.com/api/events"}};
  storage::SettingLookup settings = [&](const std::string& n, std::string* v) {
    auto it = env.find(n);
    if (it == env.end()) return false;
    *v = it->second;
    return true;
  };
  EXPECT_TRUE(ValidateEventGridBindings(Function(Out()), &settings).ok());
  EXPECT_TRUE(
      ValidateEventGridBindings(Function(Out({{"topicEndpointUri", "%MyTopicUri%"}})), &settings)
          .ok());
  Status s = ValidateEventGridBindings(Function(Out({{"topicKeySetting", "Missing"}})), &settings);
  EXPECT_EQ(s.message(),
            "binding 'outputEvent' (eventGrid): topicKeySetting names the app "
            "setting 'Missing', which is not set");
  // --index: the settings are not read.
  EXPECT_TRUE(
      ValidateEventGridBindings(Function(Out({{"topicKeySetting", "Missing"}})), nullptr).ok());
  s = ValidateEventGridBindings(Function(Out({{"topicEndpointUri", "NotAUrl"}})), &settings);
  EXPECT_NE(s.message().find("'NotAUrl' (topicEndpointUri) must be an absolute http(s) URL"),
            std::string::npos)
      << s.message();
  json no_key = Out();
  no_key.erase("topicKeySetting");
  s = ValidateEventGridBindings(Function(no_key), nullptr);
  EXPECT_NE(s.message().find("has no 'topicKeySetting'"), std::string::npos) << s.message();
  s = ValidateEventGridBindings(Function(Out({{"connection", "MyConn"}})), nullptr);
  EXPECT_NE(s.message().find("identity-based connections ('connection') are not supported"),
            std::string::npos)
      << s.message();
  s = ValidateEventGridBindings(Function(Out({{"direction", "in"}})), nullptr);
  EXPECT_NE(s.message().find("can only be an output"), std::string::npos) << s.message();
}

TEST(EventGridEvents, WhatAValueBecomes) {
  std::vector<json> ev;
  rpc::TypedData str;
  str.set_string(R"({"id": "1", "subject": "s"})");
  ASSERT_TRUE(EventGridEventsFromTypedData(str, &ev).ok());
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0]["subject"], "s");
  rpc::TypedData bytes;
  bytes.set_bytes(R"([{"id": "1"}, {"id": "2"}])");
  ASSERT_TRUE(EventGridEventsFromTypedData(bytes, &ev).ok());
  EXPECT_EQ(ev.size(), 2u);
  // The library's list of str: each string is one event's JSON text.
  ASSERT_TRUE(EventGridEventsFromTypedData(Json(R"(["{\"id\": \"a\"}", {"id": "b"}])"), &ev).ok());
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0]["id"], "a");
  EXPECT_EQ(ev[1]["id"], "b");
  rpc::TypedData coll;
  coll.mutable_collection_string()->add_string(R"({"id": "c"})");
  ASSERT_TRUE(EventGridEventsFromTypedData(coll, &ev).ok());
  EXPECT_EQ(ev.size(), 1u);
  EXPECT_TRUE(EventGridEventsFromTypedData(Json("[]"), &ev).ok());
  EXPECT_TRUE(ev.empty());

  str.set_string("plain text");
  Status s = EventGridEventsFromTypedData(str, &ev);
  EXPECT_NE(s.message().find("not JSON"), std::string::npos);
  s = EventGridEventsFromTypedData(Json("[1]"), &ev);
  EXPECT_NE(s.message().find("must be a JSON object, not number"), std::string::npos);
  rpc::TypedData i;
  i.set_int_(3);
  s = EventGridEventsFromTypedData(i, &ev);
  EXPECT_NE(s.message().find("'int' value"), std::string::npos) << s.message();
}

TEST(EventGridPublishRequest, EventGridSchema) {
  storage::HttpRequest req;
  ASSERT_TRUE(BuildEventGridPublish({json{{"subject", "s"},
                                          {"eventType", "t"},
                                          {"data", {{"k", 1}}},
                                          {"dataVersion", "1.0"},
                                          {"eventTime", nullptr}}},
                                    "https://t.example.net/api/events", "the-key", &req)
                  .ok());
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url, "https://t.example.net/api/events?api-version=2018-01-01");
  ASSERT_NE(req.Header("aeg-sas-key"), nullptr);
  EXPECT_EQ(*req.Header("aeg-sas-key"), "the-key");
  EXPECT_EQ(*req.Header("content-type"), "application/json; charset=utf-8");
  json body = json::parse(req.body);
  ASSERT_TRUE(body.is_array());
  ASSERT_EQ(body.size(), 1u);
  EXPECT_EQ(body[0]["subject"], "s");
  EXPECT_EQ(body[0]["data"], json({{"k", 1}}));
  EXPECT_EQ(body[0]["id"].get<std::string>().size(), 36u);  // a UUID was given
  EXPECT_TRUE(body[0]["eventTime"].is_string());
  // A query of its own is kept; an api-version of its own too.
  ASSERT_TRUE(
      BuildEventGridPublish({json{{"id", "x"}}}, "http://127.0.0.1:9/e?a=1", "k", &req).ok());
  EXPECT_EQ(req.url, "http://127.0.0.1:9/e?a=1&api-version=2018-01-01");
  ASSERT_TRUE(
      BuildEventGridPublish({json{{"id", "x"}}}, "http://h/e?api-version=2020", "k", &req).ok());
  EXPECT_EQ(req.url, "http://h/e?api-version=2020");
  EXPECT_EQ(json::parse(req.body)[0]["id"], "x");
}

TEST(EventGridPublishRequest, CloudEventsAndMixedSchemas) {
  storage::HttpRequest req;
  json ce = {{"specversion", "1.0"}, {"id", "1"}, {"source", "/s"}, {"type", "t"}};
  ASSERT_TRUE(BuildEventGridPublish({ce, ce}, "https://t/api/events", "k", &req).ok());
  EXPECT_EQ(*req.Header("content-type"), "application/cloudevents-batch+json; charset=utf-8");
  json body = json::parse(req.body);
  ASSERT_EQ(body.size(), 2u);
  EXPECT_EQ(body[0], ce);  // nothing added
  Status s = BuildEventGridPublish({ce, json{{"id", "2"}}}, "https://t/api/events", "k", &req);
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("event 1 is not a CloudEvent"), std::string::npos) << s.message();
}

class EventGridBindingTest : public ::testing::Test {
 protected:
  EventGridBindingTest()
      : rt_(Environment{{"MyTopicUri", "https://t.example.net/api/events?x=1"},
                        {"MyTopicKey", "secret-key"}},
            json::object(), "/app", &fake_),
        binding_(&rt_, &fake_),
        fn_(Function(Out())) {}
  storage::FakeTransport fake_;
  StorageRuntime rt_;
  EventGridBinding binding_;
  FunctionSpec fn_;
};

TEST_F(EventGridBindingTest, PostsToTheTopicAndNamesItOnFailure) {
  fake_.Enqueue(200);
  ASSERT_TRUE(binding_.Publish(fn_.bindings[1], Json(R"([{"id": "1"}, {"id": "2"}])")).ok());
  storage::HttpRequest sent = fake_.last_request();
  EXPECT_EQ(sent.url, "https://t.example.net/api/events?x=1&api-version=2018-01-01");
  EXPECT_EQ(*sent.Header("aeg-sas-key"), "secret-key");
  EXPECT_EQ(json::parse(sent.body).size(), 2u);

  fake_.Enqueue(
      401,
      R"({"error": {"code": "Unauthorized", "message": "The request authorization key is not authorized"}})");
  Status s = binding_.Publish(fn_.bindings[1], Json(R"({"id": "1"})"));
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.message(),
            "Event Grid topic https://t.example.net/api/events: POST answered 401: "
            "The request authorization key is not authorized");
  EXPECT_EQ(s.message().find("secret-key"), std::string::npos);

  fake_.EnqueueNetworkError("connect to t.example.net:443: connection refused");
  s = binding_.Publish(fn_.bindings[1], Json(R"({"id": "1"})"));
  EXPECT_EQ(s.message(),
            "Event Grid topic https://t.example.net/api/events: connect to "
            "t.example.net:443: connection refused");

  // Nothing to send: no request.
  size_t n = fake_.requests().size();
  EXPECT_TRUE(binding_.Publish(fn_.bindings[1], Json("[]")).ok());
  EXPECT_EQ(fake_.requests().size(), n);
}

TEST_F(EventGridBindingTest, ASettingThatIsGoneIsNamed) {
  FunctionSpec fn = Function(Out({{"topicKeySetting", "Gone"}}));
  Status s = binding_.Publish(fn.bindings[1], Json(R"({"id": "1"})"));
  EXPECT_NE(s.message().find("topicKeySetting names the app setting 'Gone', which is not set"),
            std::string::npos)
      << s.message();
  EXPECT_TRUE(fake_.requests().empty());
}

}  // namespace
}  // namespace pyfn
