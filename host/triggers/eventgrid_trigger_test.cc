// The Event Grid webhook (docs/behaviour.md, "Event Grid") without a worker:
// parsing, validation handshakes, schema detection, and the fan-out through
// a recording Invoker.
#include "host/triggers/eventgrid_trigger.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "host/app/app_loader.h"
#include "host/workers/trace_context.h"

namespace pyfn {
namespace {

using json = nlohmann::json;

TEST(EventGridPath, AnyCaseAndBelow) {
  EXPECT_TRUE(IsEventGridWebhookPath("/runtime/webhooks/eventgrid"));
  EXPECT_TRUE(IsEventGridWebhookPath("/runtime/webhooks/eventgrid/extra"));
  EXPECT_FALSE(IsEventGridWebhookPath("/runtime/webhooks/eventgridx"));
  EXPECT_FALSE(IsEventGridWebhookPath("/runtime/webhooks/eventhub"));
  EXPECT_FALSE(IsEventGridWebhookPath("/api/runtime/webhooks/eventgrid"));
}

TEST(EventGridParse, SubscriptionValidationEventGridAndCloudEventBodies) {
  EventGridDelivery d;
  ASSERT_TRUE(ParseEventGridDelivery("SubscriptionValidation", "application/json",
                                     R"([{"id": "1", "eventType":
      "Microsoft.EventGrid.SubscriptionValidationEvent", "data": {"validationCode": "ABC-1",
      "validationUrl": "https://x"}}])",
                                     &d)
                  .ok());
  EXPECT_EQ(d.kind, EventGridDelivery::Kind::kValidation);
  EXPECT_EQ(d.validation_code, "ABC-1");
  // The header's value ignores case; a CloudEvent's data may be JSON text.
  ASSERT_TRUE(ParseEventGridDelivery(
                  "subscriptionvalidation", "",
                  R"({"specversion": "1.0", "data": "{\"validationCode\": \"X2\"}"})", &d)
                  .ok());
  EXPECT_EQ(d.validation_code, "X2");
  Status s = ParseEventGridDelivery("SubscriptionValidation", "", R"([{"data": {}}])", &d);
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("validationCode"), std::string::npos) << s.message();
}

TEST(EventGridParse, NotificationsArraysObjectsAndErrors) {
  EventGridDelivery d;
  ASSERT_TRUE(ParseEventGridDelivery("Notification", "application/json",
                                     R"([{"id": "a"}, {"id": "b"}, {"id": "c"}])", &d)
                  .ok());
  EXPECT_EQ(d.kind, EventGridDelivery::Kind::kNotification);
  ASSERT_EQ(d.events.size(), 3u);
  EXPECT_EQ(d.events[2]["id"], "c");
  ASSERT_TRUE(ParseEventGridDelivery("Notification", "application/cloudevents+json",
                                     R"({"specversion": "1.0", "id": "ce"})", &d)
                  .ok());
  ASSERT_EQ(d.events.size(), 1u);
  EXPECT_EQ(EventSchemaOf(d.events[0]), "cloudevents");
  EXPECT_EQ(EventSchemaOf(json{{"eventType", "x"}}), "eventgrid");
  // Without aeg-event-type, a CloudEvents media type is a notification (pyfn only).
  ASSERT_TRUE(ParseEventGridDelivery("", "application/cloudevents-batch+json; charset=utf-8",
                                     R"([{"specversion": "1.0", "id": "1"}])", &d)
                  .ok());
  EXPECT_EQ(d.events.size(), 1u);
  ASSERT_TRUE(ParseEventGridDelivery("Unsubscribe", "", "", &d).ok());
  EXPECT_EQ(d.kind, EventGridDelivery::Kind::kUnsubscribe);

  Status s = ParseEventGridDelivery("", "application/json", "[]", &d);
  EXPECT_NE(s.message().find("aeg-event-type header is missing"), std::string::npos);
  s = ParseEventGridDelivery("Bogus", "", "[]", &d);
  EXPECT_NE(s.message().find("unknown aeg-event-type 'Bogus'"), std::string::npos);
  s = ParseEventGridDelivery("Notification", "", "[{", &d);
  EXPECT_NE(s.message().find("not JSON"), std::string::npos);
  s = ParseEventGridDelivery("Notification", "", "42", &d);
  EXPECT_NE(s.message().find("not number"), std::string::npos) << s.message();
  s = ParseEventGridDelivery("Notification", "", R"([{"id": 1}, "x"])", &d);
  EXPECT_NE(s.message().find("event 1 of the array is string"), std::string::npos) << s.message();
}

TEST(EventGridOrigin, KnownCloudsEchoedElsePublic) {
  EXPECT_EQ(AllowedWebHookOrigin("eventgrid.azure.net"), "eventgrid.azure.net");
  EXPECT_EQ(AllowedWebHookOrigin("eventgrid.azure.cn"), "eventgrid.azure.cn");
  EXPECT_EQ(AllowedWebHookOrigin("evil.example.com"), "eventgrid.azure.net");
  EXPECT_EQ(AllowedWebHookOrigin(""), "eventgrid.azure.net");
}

FunctionSpec Fn(const std::string& name, const std::string& trigger_type) {
  FunctionSpec f;
  std::string text =
      R"({"bindings": [{"type": ")" + trigger_type + R"(", "direction": "in", "name": "event"}]})";
  EXPECT_TRUE(ParseFunctionJson(name, "/app/" + name, text, &f).ok());
  return f;
}

TEST(EventGridInvocationTest, ValueMetadataReasonAndTrace) {
  FunctionSpec f = Fn("on_event", "eventGridTrigger");
  json ev = {{"id", "1"},
             {"data", {{"k", 1}}},
             {"traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}};
  InvocationInput in = EventGridInvocation(f, ev, "", "");
  EXPECT_EQ(in.function_name, "on_event");
  EXPECT_EQ(in.reason.rfind("EventGrid trigger fired at ", 0), 0u) << in.reason;
  ASSERT_EQ(in.input_data.size(), 1u);
  EXPECT_EQ(in.input_data[0].name(), "event");
  EXPECT_EQ(json::parse(in.input_data[0].data().json()), ev);
  EXPECT_EQ(json::parse(in.trigger_metadata.at("data").json()), json({{"k", 1}}));
  EXPECT_EQ(json::parse(in.trigger_metadata.at("sys").json())["MethodName"], "on_event");
  EXPECT_NE(in.trace_context.trace_parent().find("0af7651916cd43dd8448eb211c80319c"),
            std::string::npos);
  // No data: no "data" metadata; no traceparent in the event: the request's.
  in = EventGridInvocation(f, json{{"id", "2"}},
                           "00-11111111111111111111111111111111-2222222222222222-01", "k=v");
  EXPECT_EQ(in.trigger_metadata.count("data"), 0u);
  EXPECT_NE(in.trace_context.trace_parent().find("11111111111111111111111111111111"),
            std::string::npos);
  EXPECT_EQ(in.trace_context.trace_state(), "k=v");
}

// Opens with "sys-key" (as the system key) or "master".
class FakeAuth : public Authorizer {
 public:
  bool Authorize(const FunctionSpec&, const HttpRequest&,
                 const std::map<std::string, std::string>&) const override {
    return false;
  }
  bool AuthorizeAdmin(const HttpRequest&,
                      const std::map<std::string, std::string>& q) const override {
    auto it = q.find("code");
    return it != q.end() && it->second == "master";
  }
  bool AuthorizeSystem(const std::string& name, const HttpRequest& r,
                       const std::map<std::string, std::string>& q) const override {
    auto it = q.find("code");
    return AuthorizeAdmin(r, q) ||
           (name == "eventgrid_extension" && it != q.end() && it->second == "sys-key");
  }
  std::string StartupNotice(const std::vector<FunctionSpec>&) const override { return ""; }
};

// Records invocations; fails those whose event subject is "fail", answers
// Unavailable for "busy".
class RecordingInvoker : public Invoker {
 public:
  void Invoke(InvocationInput input, InvocationCallback done) override {
    json ev = json::parse(input.input_data.at(0).data().json());
    inputs.push_back(std::move(input));
    InvocationOutcome out;
    if (ev.value("subject", "") == "busy") {
      out.status = Status::Unavailable("no worker");
    } else {
      out.response.mutable_result()->set_status(ev.value("subject", "") == "fail"
                                                    ? rpc::StatusResult::Failure
                                                    : rpc::StatusResult::Success);
    }
    done(std::move(out));
  }
  std::vector<InvocationInput> inputs;
};

class WebhookTest : public ::testing::Test {
 protected:
  WebhookTest() : registry_("api"), hook_(&registry_, &invoker_, &auth_) {
    FunctionSpec disabled = Fn("off", "eventGridTrigger");
    disabled.disabled = true;
    registry_.Replace({Fn("on_event", "eventGridTrigger"), Fn("web", "httpTrigger"), disabled});
  }
  HttpResponse Call(const std::string& method, const std::string& target,
                    const std::vector<std::pair<std::string, std::string>>& headers = {},
                    const std::string& body = "") {
    HttpRequest r;
    r.method = method;
    r.SetTarget(target);
    r.headers = headers;
    r.body = body;
    HttpResponse got;
    int calls = 0;
    hook_.Handle(r, [&](HttpResponse resp) {
      got = std::move(resp);
      ++calls;
    });
    EXPECT_EQ(calls, 1);
    return got;
  }
  static std::string Header(const HttpResponse& r, const std::string& name) {
    for (const auto& h : r.headers)
      if (h.first == name) return h.second;
    return "";
  }
  FunctionRegistry registry_;
  RecordingInvoker invoker_;
  FakeAuth auth_;
  EventGridWebhook hook_;
};

const char kUrl[] = "/runtime/webhooks/EventGrid?functionName=on_event&code=sys-key";

TEST_F(WebhookTest, KeysAndFunctionNames) {
  EXPECT_EQ(Call("POST", "/runtime/webhooks/EventGrid?functionName=on_event").status, 401);
  EXPECT_EQ(Call("POST", "/runtime/webhooks/EventGrid?functionName=on_event&code=x").status, 401);
  HttpResponse r = Call("POST", "/runtime/webhooks/eventgrid?functionName=nope&code=master");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "cannot find function: 'nope'");
  r = Call("POST", "/runtime/webhooks/eventgrid?functionName=ON_EVENT&code=master");
  EXPECT_EQ(r.status, 404);  // exact case, as Azure
  r = Call("POST", "/runtime/webhooks/eventgrid?functionName=web&code=sys-key");
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("'web' (it is not an eventGridTrigger function: its trigger is "
                        "httpTrigger)"),
            std::string::npos)
      << r.body;
  r = Call("POST", "/runtime/webhooks/eventgrid?functionName=off&code=sys-key");
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("disabled"), std::string::npos) << r.body;
  EXPECT_TRUE(invoker_.inputs.empty());
}

TEST_F(WebhookTest, HandshakesDoNotInvoke) {
  HttpResponse r = Call("POST", kUrl, {{"aeg-event-type", "SubscriptionValidation"}},
                        R"([{"data": {"validationCode": "code-1"}}])");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body), json({{"validationResponse", "code-1"}}));
  r = Call("OPTIONS", kUrl, {{"WebHook-Request-Origin", "eventgrid.azure.net"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Header(r, "WebHook-Allowed-Origin"), "eventgrid.azure.net");
  EXPECT_EQ(Header(r, "WebHook-Allowed-Rate"), "");
  EXPECT_EQ(Call("POST", kUrl, {{"aeg-event-type", "Unsubscribe"}}).status, 202);
  EXPECT_EQ(Call("GET", kUrl).status, 405);
  EXPECT_TRUE(invoker_.inputs.empty());
}

TEST_F(WebhookTest, OneInvocationPerEventAndTheAnswerEventGridRetries) {
  HttpResponse r = Call("POST", kUrl, {{"aeg-event-type", "Notification"}},
                        R"([{"id": "1"}, {"id": "2"}, {"id": "3"}])");
  EXPECT_EQ(r.status, 202);
  ASSERT_EQ(invoker_.inputs.size(), 3u);
  EXPECT_EQ(json::parse(invoker_.inputs[1].input_data[0].data().json())["id"], "2");
  r = Call("POST", kUrl, {{"aeg-event-type", "Notification"}},
           R"([{"id": "4"}, {"id": "5", "subject": "fail"}])");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, "Exception while executing function: Functions.on_event");
  EXPECT_EQ(invoker_.inputs.size(), 5u);  // every event was still delivered
  r = Call("POST", kUrl, {{"aeg-event-type", "Notification"}}, R"([{"subject": "busy"}])");
  EXPECT_EQ(r.status, 503);
  r = Call("POST", kUrl, {{"aeg-event-type", "Notification"}}, "not json");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("not JSON"), std::string::npos);
  EXPECT_EQ(Call("POST", kUrl, {{"aeg-event-type", "Notification"}}, "[]").status, 202);
  EXPECT_EQ(invoker_.inputs.size(), 6u);
}

}  // namespace
}  // namespace pyfn
