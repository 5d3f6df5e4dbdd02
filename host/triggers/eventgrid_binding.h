// EventGridBinding: the host side of the Event Grid output binding
// (docs/behaviour.md, "Event Grid"; Azure's EventGridAttribute).
//
// function.json: {"type": "eventGrid", "direction": "out", "name": ...,
//   "topicEndpointUri": <app setting holding the topic's URL>,
//   "topicKeySetting": <app setting holding its access key>}
// Both name app settings (a value written as %NAME% names NAME too), as
// Azure's [AppSetting] properties do. Azure's identity-based `connection`
// is not supported: a function using it fails to load, saying so.
//
// After the function returns, its value becomes events: a str or bytes is
// one event as JSON text (or a JSON array of them), a JSON value (what the
// library makes of func.EventGridOutputEvent and of lists) one event per
// object, strings inside an array each one event's JSON text. The events
// are POSTed at once to <topicEndpointUri>?api-version=2018-01-01 with
// header aeg-sas-key: <key>, as Azure's EventGridPublisherClient does:
//   Event Grid schema  a JSON array, application/json; a missing or null
//                      "id" becomes a new UUID and "eventTime" the current
//                      time (what the SDK's EventGridEvent constructor fills)
//   CloudEvents 1.0    (events with "specversion", as Azure tells the schemas
//                      apart by the first event) a JSON array,
//                      application/cloudevents-batch+json
// An answer other than 2xx, or none (transient failures are retried with
// the storage transport's rules first), fails the invocation with an error
// naming the topic URL (without its query) and the status; the key is
// never logged.
#ifndef PYFN_HOST_EVENTGRID_BINDING_H_
#define PYFN_HOST_EVENTGRID_BINDING_H_

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "host/storage/binding_expression.h"
#include "host/storage/http.h"
#include "host/triggers/blocking_binding.h"

namespace pyfn {

// Load-time check of a function's eventGrid bindings (spec L8): direction
// out, both properties present, no `connection`; with `settings` (null for
// pyfn-host --index) also that both settings are set and the endpoint is an
// absolute http(s) URL. Errors name the binding, the property and the setting.
Status ValidateEventGridBindings(const FunctionSpec& fn, const storage::SettingLookup* settings);

// The events a function's value becomes (above). InvalidArgument naming
// what is wrong otherwise.
Status EventGridEventsFromTypedData(const rpc::TypedData& value,
                                    std::vector<nlohmann::json>* events);

// The publish request for `events` (not empty): URL, headers, body (above).
// InvalidArgument when the events mix the two schemas.
Status BuildEventGridPublish(std::vector<nlohmann::json> events, const std::string& endpoint,
                             const std::string& key, storage::HttpRequest* out);

// "https://t.westus-1.eventgrid.azure.net/api/events?x=1" -> without "?x=1".
std::string TopicForMessages(const std::string& endpoint);

class EventGridBinding : public BlockingBinding {
 public:
  // Both must outlive this object. `runtime` gives the app settings and the
  // threads that publish; `transport` sends (StorageRuntime::transport()).
  EventGridBinding(StorageRuntime* runtime, storage::HttpTransport* transport)
      : BlockingBinding(runtime, "use an eventGridTrigger to receive events"),
        transport_(transport) {}

  std::vector<std::string> Types() const override { return {"eventGrid"}; }
  // Azure has no Event Grid input binding: Read fails naming the binding.
  Status Write(const BindingContext& ctx, const rpc::TypedData& value) override {
    return Publish(*ctx.binding, value);
  }

  // Blocking version (runs on a storage thread).
  Status Publish(const BindingSpec& binding, const rpc::TypedData& value);

 private:
  storage::HttpTransport* const transport_;
};

}  // namespace pyfn

#endif  // PYFN_HOST_EVENTGRID_BINDING_H_
