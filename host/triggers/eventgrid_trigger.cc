#include "host/triggers/eventgrid_trigger.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>

#include "host/app/load_failures.h"
#include "host/common/strings.h"
#include "host/common/thread_annotations.h"
#include "host/triggers/trigger_util.h"
#include "host/workers/trace_context.h"

namespace pyfn {
namespace {

using json = nlohmann::json;

constexpr const char* kWebhookPath = "/runtime/webhooks/eventgrid";

// "application/cloudevents-batch+json; charset=utf-8" -> "application/cloudevents-batch+json".
std::string MediaType(const std::string& content_type) {
  std::string t = AsciiLower(content_type.substr(0, content_type.find(';')));
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.pop_back();
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.erase(0, 1);
  return t;
}

// What one delivery's invocations share: the answer is sent when the last ends.
struct Fanout {
  pyfn::Mutex mu;
  size_t pending PYFN_GUARDED_BY(mu) = 0;
  bool failed PYFN_GUARDED_BY(mu) = false;
  bool unavailable PYFN_GUARDED_BY(mu) = false;
  std::function<void(HttpResponse)> respond;
  std::string function;
};

void Complete(const std::shared_ptr<Fanout>& f, const InvocationOutcome& out) {
  std::function<void(HttpResponse)> respond;
  bool failed, unavailable;
  {
    pyfn::MutexLock l(f->mu);
    if (!out.succeeded()) {
      f->failed = true;
      if (out.status.IsUnavailable()) f->unavailable = true;
    }
    if (--f->pending > 0) return;
    respond = std::move(f->respond);
    failed = f->failed;
    unavailable = f->unavailable;
  }
  if (!failed) return respond(EmptyResponse(202));
  // Azure answers the message of the invocation's exception, which names
  // the function and not the error (the log has that); Event Grid retries.
  respond(TextResponse(unavailable ? 503 : 500,
               "Exception while executing function: Functions." + f->function));
}

}  // namespace

bool IsEventGridWebhookPath(const std::string& lower_path) {
  const std::string p(kWebhookPath);
  return lower_path.compare(0, p.size(), p) == 0 &&
         (lower_path.size() == p.size() || lower_path[p.size()] == '/');
}

Status ParseEventGridDelivery(const std::string& event_type, const std::string& content_type,
                              const std::string& body, EventGridDelivery* out) {
  *out = EventGridDelivery();
  std::string type = AsciiLower(event_type);
  const std::string media = MediaType(content_type);
  if (type.empty() &&
      (media == "application/cloudevents+json" || media == "application/cloudevents-batch+json"))
    type = "notification";
  if (type == "unsubscribe") {
    out->kind = EventGridDelivery::Kind::kUnsubscribe;
    return Status::OK();
  }
  if (type != "subscriptionvalidation" && type != "notification")
    return Status::InvalidArgument(
        event_type.empty()
            ? "the aeg-event-type header is missing (SubscriptionValidation, Notification or "
              "Unsubscribe)"
            : "unknown aeg-event-type '" + event_type +
                  "' (SubscriptionValidation, Notification or Unsubscribe)");
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded())
    return Status::InvalidArgument(
        "the request body is not JSON (an array of events, or one "
        "CloudEvent object)");
  if (type == "subscriptionvalidation") {
    out->kind = EventGridDelivery::Kind::kValidation;
    json data;
    if (j.is_array() && !j.empty() && j[0].is_object() && j[0].contains("data")) {
      data = j[0]["data"];
    } else if (j.is_object() && j.contains("data")) {
      data = j["data"];
      // A CloudEvent's data may come as JSON text (Azure parses it again).
      if (data.is_string()) data = json::parse(data.get<std::string>(), nullptr, false);
    }
    if (!data.is_object() || !data.contains("validationCode") ||
        !data["validationCode"].is_string())
      return Status::InvalidArgument(
          "a SubscriptionValidation event needs data.validationCode (a string)");
    out->validation_code = data["validationCode"].get<std::string>();
    return Status::OK();
  }
  out->kind = EventGridDelivery::Kind::kNotification;
  if (j.is_object()) {
    out->events.push_back(std::move(j));
    return Status::OK();
  }
  if (!j.is_array())
    return Status::InvalidArgument(
        "the request body must be a JSON array of events or one "
        "event object, not " +
        std::string(j.type_name()));
  for (size_t i = 0; i < j.size(); ++i)
    if (!j[i].is_object())
      return Status::InvalidArgument("event " + std::to_string(i) + " of the array is " +
                                     j[i].type_name() + ", not a JSON object");
  for (auto& e : j) out->events.push_back(std::move(e));
  return Status::OK();
}

std::string EventSchemaOf(const nlohmann::json& event) {
  return event.is_object() && event.contains("specversion") ? "cloudevents" : "eventgrid";
}

std::string AllowedWebHookOrigin(const std::string& request_origin) {
  static const char* const kClouds[] = {"eventgrid.azure.net", "eventgrid.azure.us",
                                        "eventgrid.azure.eaglex.ic.gov",
                                        "eventgrid.azure.microsoft.scloud", "eventgrid.azure.cn"};
  for (const char* c : kClouds)
    if (request_origin == c) return request_origin;
  return kClouds[0];
}

InvocationInput EventGridInvocation(const FunctionSpec& fn, const nlohmann::json& event,
                                    const std::string& request_traceparent,
                                    const std::string& request_tracestate) {
  InvocationInput in;
  in.function_name = fn.name;
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  in.reason = "EventGrid trigger fired at " +
              AzureTime(std::chrono::duration_cast<std::chrono::seconds>(now).count());
  const BindingSpec* trigger = fn.trigger();
  rpc::ParameterBinding pb;
  pb.set_name(trigger ? trigger->name : "event");
  *pb.mutable_data() = JsonData(event);
  in.input_data.push_back(std::move(pb));
  auto data = event.find("data");
  if (data != event.end()) in.trigger_metadata["data"] = JsonData(*data);
  in.trigger_metadata["sys"] = SysMetadata(fn.name);
  auto tp = event.find("traceparent");
  if (tp != event.end() && tp->is_string() && IsValidTraceparent(tp->get<std::string>())) {
    in.trace_context.set_trace_parent(ContinueTraceparent(tp->get<std::string>()));
    auto ts = event.find("tracestate");
    if (ts != event.end() && ts->is_string())
      in.trace_context.set_trace_state(ts->get<std::string>());
  } else {
    in.trace_context.set_trace_parent(ContinueTraceparent(request_traceparent));
    in.trace_context.set_trace_state(request_tracestate);
  }
  (*in.trace_context.mutable_attributes())["OperationName"] = fn.name;
  return in;
}

EventGridWebhook::EventGridWebhook(const FunctionRegistry* registry, Invoker* invoker,
                                   const Authorizer* auth)
    : registry_(registry), invoker_(invoker), auth_(auth) {}

void EventGridWebhook::OnFunctionsIndexed(const FunctionSet& set, KeyManager* keys, int port) {
  bool any = false;
  for (const auto& f : set.functions)
    if (f.trigger() && f.trigger()->IsType("eventGridTrigger") && !f.disabled) any = true;
  if (!any) return;
  if (keys) {
    Status s = keys->EnsureSystemKey(kEventGridSystemKey);
    if (!s.ok()) spdlog::warn("Event Grid webhook: {}; only the master key opens it", s.message());
  }
  spdlog::info("registered EventGrid Endpoint = http://localhost:{}{}", port, kWebhookPath);
}

void EventGridWebhook::Handle(const HttpRequest& request,
                              std::function<void(HttpResponse)> respond) {
  const auto& params = request.query_params;
  if (!auth_->AuthorizeSystem(kEventGridSystemKey, request, params))
    return respond(EmptyResponse(401));
  auto it = params.find("functionName");
  const std::string name = it == params.end() ? "" : it->second;
  auto set = registry_->Get();
  const FunctionSpec* fn = nullptr;
  for (const auto& f : set->functions)
    if (f.name == name) fn = &f;  // exact case, as Azure's listener table
  const BindingSpec* trigger = fn ? fn->trigger() : nullptr;
  if (fn == nullptr || fn->disabled || trigger == nullptr || !trigger->IsType("eventGridTrigger")) {
    std::string why;
    if (fn != nullptr && fn->disabled)
      why = " (the function is disabled)";
    else if (fn != nullptr)
      why = " (it is not an eventGridTrigger function: its trigger is " +
            (trigger ? trigger->type : std::string("missing")) + ")";
    spdlog::info("Event Grid webhook: cannot find function: '{}'{}", name, why);
    return respond(TextResponse(404, "cannot find function: '" + name + "'" + why));
  }
  if (!fn->load_status.ok()) {
    LogLoadFailure(fn->name, fn->load_status.message(), " (Event Grid delivery answered 500)");
    return respond(TextResponse(500, "Exception while executing function: Functions." + fn->name));
  }
  if (request.method == "OPTIONS") {
    HttpResponse r = EmptyResponse(200);
    r.headers.emplace_back("WebHook-Allowed-Origin",
                           AllowedWebHookOrigin(request.Header("webhook-request-origin")));
    return respond(std::move(r));
  }
  if (request.method != "POST") {
    HttpResponse r = TextResponse(405, "the Event Grid webhook takes POST (and OPTIONS)");
    r.headers.emplace_back("Allow", "POST, OPTIONS");
    return respond(std::move(r));
  }
  EventGridDelivery d;
  Status s = ParseEventGridDelivery(request.Header("aeg-event-type"),
                                    request.Header("content-type"), request.body, &d);
  if (!s.ok()) {
    spdlog::warn("Event Grid webhook, function '{}': {} (answered 400)", fn->name, s.message());
    return respond(TextResponse(400, s.message()));
  }
  switch (d.kind) {
    case EventGridDelivery::Kind::kUnsubscribe:
      return respond(EmptyResponse(202));
    case EventGridDelivery::Kind::kValidation: {
      spdlog::info("perform handshake with eventGrid for function: {}", fn->name);
      HttpResponse r;
      r.status = 200;
      r.headers.emplace_back("Content-Type", "application/json; charset=utf-8");
      r.body = json{{"validationResponse", d.validation_code}}.dump();
      return respond(std::move(r));
    }
    case EventGridDelivery::Kind::kNotification:
      break;
  }
  if (d.events.empty()) return respond(EmptyResponse(202));
  auto f = std::make_shared<Fanout>();
  {
    pyfn::MutexLock l(f->mu);  // not shared yet; the lock only satisfies the analysis
    f->pending = d.events.size();
  }
  f->respond = std::move(respond);
  f->function = fn->name;
  const std::string tp = request.Header("traceparent"), ts = request.Header("tracestate");
  std::vector<InvocationInput> inputs;
  inputs.reserve(d.events.size());
  for (const auto& e : d.events) inputs.push_back(EventGridInvocation(*fn, e, tp, ts));
  d.events.clear();
  // `fn` and `set` are not used after this point: an invocation may finish
  // (and the last one answer) before the loop ends.
  for (auto& in : inputs)
    invoker_->Invoke(std::move(in), [f](const InvocationOutcome& out) { Complete(f, out); });
}

}  // namespace pyfn
