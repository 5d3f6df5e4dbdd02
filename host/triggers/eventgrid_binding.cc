#include "host/triggers/eventgrid_binding.h"

#include <chrono>

#include "host/common/strings.h"
#include "host/triggers/trigger_util.h"
#include "host/workers/trace_context.h"

namespace pyfn {
namespace {

using json = nlohmann::json;

constexpr const char* kApiVersion = "2018-01-01";  // EventGridPublisherClient's

std::string TypedDataKind(const rpc::TypedData& v) {
  const auto* field = rpc::TypedData::descriptor()->FindFieldByNumber(v.data_case());
  return field ? field->name() : "empty";
}

std::string Label(const BindingSpec& b) { return "binding '" + b.name + "' (eventGrid)"; }

std::string StringProperty(const BindingSpec& b, const char* key) {
  auto it = b.raw.find(key);
  return it != b.raw.end() && it->is_string() ? it->get<std::string>() : "";
}

// The app setting a property names: "NAME" or "%NAME%".
std::string SettingName(const BindingSpec& b, const char* key) {
  std::string v = StringProperty(b, key);
  if (v.size() > 2 && v.front() == '%' && v.back() == '%') v = v.substr(1, v.size() - 2);
  return v;
}

bool IsAbsoluteHttpUrl(const std::string& url) {
  std::string l = AsciiLower(url);
  size_t start = l.rfind("https://", 0) == 0 ? 8 : l.rfind("http://", 0) == 0 ? 7 : 0;
  return start > 0 && url.size() > start && url[start] != '/' && url[start] != '?';
}

// The value of the setting `key` names, or an error naming both.
Status ReadSetting(const BindingSpec& b, const char* key, const storage::SettingLookup& settings,
                   std::string* value) {
  std::string name = SettingName(b, key);
  if (name.empty()) return Status::InvalidArgument(Label(b) + " has no '" + key + "'");
  if (!settings(name, value) || value->empty())
    return Status::InvalidArgument(Label(b) + ": " + key + " names the app setting '" + name +
                                   "', which is not set");
  return Status::OK();
}

Status AddEvent(json e, std::vector<json>* events) {
  if (e.is_string()) {
    json parsed = json::parse(e.get<std::string>(), nullptr, false);
    if (!parsed.is_object())
      return Status::InvalidArgument("a string in the list is not an event's JSON text");
    e = std::move(parsed);
  }
  if (!e.is_object())
    return Status::InvalidArgument(std::string("an event must be a JSON object, not ") +
                                   e.type_name());
  events->push_back(std::move(e));
  return Status::OK();
}

Status AddJsonText(const std::string& text, std::vector<json>* events) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded())
    return Status::InvalidArgument("the value is not JSON (an event is a JSON object)");
  if (!j.is_array()) return AddEvent(std::move(j), events);
  for (auto& e : j) {
    Status s = AddEvent(std::move(e), events);
    if (!s.ok()) return s;
  }
  return Status::OK();
}

std::string NowIso() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return AzureTime(std::chrono::duration_cast<std::chrono::seconds>(now).count());
}

bool Missing(const json& e, const char* key) {
  auto it = e.find(key);
  return it == e.end() || it->is_null();
}

}  // namespace

std::string TopicForMessages(const std::string& endpoint) {
  return endpoint.substr(0, endpoint.find('?'));
}

Status ValidateEventGridBindings(const FunctionSpec& fn, const storage::SettingLookup* settings) {
  for (const BindingSpec& b : fn.bindings) {
    if (!b.IsType("eventGrid")) continue;
    if (b.direction != BindingDirection::kOut)
      return Status::InvalidArgument(Label(b) +
                                     ": an eventGrid binding can only be an output (direction "
                                     "\"out\"); use an eventGridTrigger to receive events");
    if (!StringProperty(b, "connection").empty())
      return Status::InvalidArgument(
          Label(b) +
          ": identity-based connections ('connection') are not supported by pyfn; "
          "set topicEndpointUri and topicKeySetting to app setting names");
    for (const char* key : {"topicEndpointUri", "topicKeySetting"})
      if (SettingName(b, key).empty())
        return Status::InvalidArgument(Label(b) + " has no '" + key +
                                       "' (the name of an app setting)");
    if (settings == nullptr) continue;
    std::string endpoint, key;
    Status s = ReadSetting(b, "topicEndpointUri", *settings, &endpoint);
    if (s.ok()) s = ReadSetting(b, "topicKeySetting", *settings, &key);
    if (!s.ok()) return s;
    if (!IsAbsoluteHttpUrl(endpoint))
      return Status::InvalidArgument(Label(b) + ": the app setting '" +
                                     SettingName(b, "topicEndpointUri") +
                                     "' (topicEndpointUri) must be an absolute http(s) URL");
  }
  return Status::OK();
}

Status EventGridEventsFromTypedData(const rpc::TypedData& value, std::vector<json>* events) {
  events->clear();
  switch (value.data_case()) {
    case rpc::TypedData::kString:
      return AddJsonText(value.string(), events);
    case rpc::TypedData::kBytes:
      return AddJsonText(value.bytes(), events);
    case rpc::TypedData::kJson:
      return AddJsonText(value.json(), events);
    case rpc::TypedData::kCollectionString:
      for (const auto& s : value.collection_string().string()) {
        Status st = AddJsonText(s, events);
        if (!st.ok()) return st;
      }
      return Status::OK();
    case rpc::TypedData::kCollectionBytes:
      for (const auto& s : value.collection_bytes().bytes()) {
        Status st = AddJsonText(s, events);
        if (!st.ok()) return st;
      }
      return Status::OK();
    default:
      return Status::InvalidArgument("an Event Grid event cannot be made from a '" +
                                     TypedDataKind(value) + "' value");
  }
}

Status BuildEventGridPublish(std::vector<json> events, const std::string& endpoint,
                             const std::string& key, storage::HttpRequest* out) {
  const bool cloud = events.at(0).contains("specversion");
  json body = json::array();
  for (size_t i = 0; i < events.size(); ++i) {
    json& e = events[i];
    if (e.contains("specversion") != cloud)
      return Status::InvalidArgument(
          "event " + std::to_string(i) + " is " + (cloud ? "not a CloudEvent" : "a CloudEvent") +
          " but event 0 is " + (cloud ? "one" : "not") +
          "; one output sends events of one schema (a topic accepts one)");
    if (!cloud) {
      if (Missing(e, "id")) e["id"] = NewUuid();
      if (Missing(e, "eventTime")) e["eventTime"] = NowIso();
    }
    body.push_back(std::move(e));
  }
  *out = storage::HttpRequest();
  out->method = "POST";
  out->url = endpoint;
  if (endpoint.find("api-version=") == std::string::npos)
    out->url += std::string(endpoint.find('?') == std::string::npos ? "?" : "&") +
                "api-version=" + kApiVersion;
  out->headers.emplace_back("aeg-sas-key", key);
  out->headers.emplace_back("Content-Type",
                            cloud ? "application/cloudevents-batch+json; charset=utf-8"
                                  : "application/json; charset=utf-8");
  out->body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return Status::OK();
}

Status EventGridBinding::Publish(const BindingSpec& binding, const rpc::TypedData& value) {
  std::vector<json> events;
  Status s = EventGridEventsFromTypedData(value, &events);
  if (!s.ok()) return s;
  if (events.empty()) return Status::OK();
  std::string endpoint, key;
  s = ReadSetting(binding, "topicEndpointUri", runtime_->setting_lookup(), &endpoint);
  if (s.ok()) s = ReadSetting(binding, "topicKeySetting", runtime_->setting_lookup(), &key);
  if (!s.ok()) return s;
  const std::string topic = "Event Grid topic " + TopicForMessages(endpoint);
  storage::HttpRequest req;
  s = BuildEventGridPublish(std::move(events), endpoint, key, &req);
  if (!s.ok()) return Status::InvalidArgument(topic + ": " + s.message());
  storage::HttpResponse resp;
  storage::Status ss = transport_->Send(req, &resp);
  if (!ss.ok()) return Status::Unavailable(topic + ": " + ss.message());
  if (resp.status >= 200 && resp.status < 300) return Status::OK();
  // Event Grid answers {"error": {"code", "message"}}; anything else: its start.
  std::string detail;
  json j = json::parse(resp.body, nullptr, false);
  if (j.is_object() && j.contains("error") && j["error"].is_object() &&
      j["error"].contains("message") && j["error"]["message"].is_string())
    detail = j["error"]["message"].get<std::string>();
  else
    detail = resp.body.substr(0, 200);
  return Status::IOError(topic + ": POST answered " + std::to_string(resp.status) +
                         (detail.empty() ? "" : ": " + detail));
}

}  // namespace pyfn
