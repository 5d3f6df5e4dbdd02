// The Event Grid trigger (docs/behaviour.md, "Event Grid"): Event Grid
// delivers events by webhook, and the host invokes eventGridTrigger functions
// with them, as Azure's EventGrid extension does behind its webhook.
//
//   POST|OPTIONS /runtime/webhooks/eventgrid?functionName=<function>
//     (any case, and any path below it: Azure's route is
//     runtime/webhooks/{extensionName}/{*extra})
//   key          the master key or the system key "eventgrid_extension"
//                (x-functions-key or code=); else a bare 401
//   functionName an eventGridTrigger function, exact case (Azure's listener
//                table is case-sensitive); else 404 "cannot find function: 'X'"
//                (a function of another trigger: the 404 says which it is)
//   OPTIONS      CloudEvents 1.0 abuse protection: 200 with
//                WebHook-Allowed-Origin = the WebHook-Request-Origin when it
//                is one of Event Grid's clouds, else "eventgrid.azure.net"
//                (Azure sends no WebHook-Allowed-Rate, neither does pyfn)
//   aeg-event-type: SubscriptionValidation
//                200 {"validationResponse": <data.validationCode>} of the
//                first event (an array), or of a CloudEvent (an object whose
//                data may be JSON text); the function is not invoked
//   aeg-event-type: Notification
//                a JSON array (Event Grid schema, or a CloudEvents batch) or
//                one object (a CloudEvent): one invocation per event, all at
//                once; 202 when every one succeeded, else 500 "Exception
//                while executing function: Functions.<name>" so that Event
//                Grid delivers the batch again (503 when no worker could take
//                it). Without the header, a body sent as
//                application/cloudevents+json or cloudevents-batch+json is a
//                Notification too (pyfn only; Azure answers 400).
//   aeg-event-type: Unsubscribe   202, nothing else happens
//   otherwise    400 naming what is wrong (no or unknown aeg-event-type, a
//                body that is not JSON, events that are not objects; Azure
//                answers a body that is not JSON with 500)
//
// Each invocation goes through Invoker::Invoke with the trigger binding's
// value = the event's JSON (TypedData json), trigger metadata "data" (the
// event's data) and "sys", reason "EventGrid trigger fired at <time>", and
// the trace context of the event's traceparent (a CloudEvents extension),
// else the request's.
//
// Thread safety: Handle may be called from every HTTP thread at once.
#ifndef PYFN_HOST_EVENTGRID_TRIGGER_H_
#define PYFN_HOST_EVENTGRID_TRIGGER_H_

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

#include "host/app/function_registry.h"
#include "host/common/status.h"
#include "host/http/http_message.h"
#include "host/keys/auth.h"
#include "host/keys/keys.h"
#include "host/workers/invoker.h"

namespace pyfn {

// The system key Azure's host creates for the extension (`<name>_extension`).
inline constexpr const char* kEventGridSystemKey = "eventgrid_extension";

// True for the lower-cased request path of the webhook (and paths below it).
bool IsEventGridWebhookPath(const std::string& lower_path);

struct EventGridDelivery {
  enum class Kind { kValidation, kNotification, kUnsubscribe };
  Kind kind = Kind::kNotification;
  std::string validation_code;         // kValidation
  std::vector<nlohmann::json> events;  // kNotification: JSON objects, in order
};

// Reads a POST as Azure's extension does (above). `event_type` is the
// aeg-event-type header ("" when absent), `content_type` the Content-Type.
// InvalidArgument with the text for the 400 answer otherwise.
Status ParseEventGridDelivery(const std::string& event_type, const std::string& content_type,
                              const std::string& body, EventGridDelivery* out);

// "cloudevents" when the event has "specversion", else "eventgrid".
std::string EventSchemaOf(const nlohmann::json& event);

// The WebHook-Allowed-Origin answer to a WebHook-Request-Origin (above).
std::string AllowedWebHookOrigin(const std::string& request_origin);

// The invocation of `fn` for one event: the trigger's value, metadata,
// reason and trace context (above). `request_traceparent` may be "".
InvocationInput EventGridInvocation(const FunctionSpec& fn, const nlohmann::json& event,
                                    const std::string& request_traceparent,
                                    const std::string& request_tracestate);

class EventGridWebhook {
 public:
  // All three must outlive this object.
  EventGridWebhook(const FunctionRegistry* registry, Invoker* invoker, const Authorizer* auth);

  // Once the function set is final: when it has an eventGridTrigger function,
  // creates the system key if missing (`keys` may be null: then only the
  // master key opens the webhook) and logs the endpoint, as Azure's host does
  // ("registered EventGrid Endpoint = ...").
  void OnFunctionsIndexed(const FunctionSet& set, KeyManager* keys, int port);

  // A request whose path IsEventGridWebhookPath. Never blocks: `respond` is
  // called once, when every invocation of the delivery is over.
  void Handle(const HttpRequest& request, std::function<void(HttpResponse)> respond);

 private:
  const FunctionRegistry* const registry_;
  Invoker* const invoker_;
  const Authorizer* const auth_;
};

}  // namespace pyfn

#endif  // PYFN_HOST_EVENTGRID_TRIGGER_H_
