"""v2-eventgrid: Event Grid in the decorator model (tests/eventgrid.bats). Settings as in
tests/apps/eventgrid: EG_RECORD_URL, EG_TOPIC_URI, EG_TOPIC_KEY, EG_DOWN_URI.
- `on_event` (event_grid_trigger `event`): POSTs {"function": "v2_on_event", "id", "subject",
  "event_type", "data"} to EG_RECORD_URL; subject "fail" raises RuntimeError.
- POST /api/publish (event_grid_output `out` to EG_TOPIC_URI): two events v2-1, v2-2 ->
  200 "published".
- POST /api/publish_down (event_grid_output to EG_DOWN_URI, where nobody listens): fails.
"""
import json
import os
import urllib.request

import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.event_grid_trigger(arg_name="event")
def on_event(event: func.EventGridEvent) -> None:
    if event.subject == "fail":
        raise RuntimeError(f"v2 on_event fails on purpose for event {event.id}")
    record = {"function": "v2_on_event", "id": event.id, "subject": event.subject,
              "event_type": event.event_type, "data": event.get_json()}
    req = urllib.request.Request(
        os.environ["EG_RECORD_URL"], data=json.dumps(record).encode(),
        headers={"Content-Type": "application/json"}, method="POST")
    urllib.request.urlopen(req, timeout=10).close()


def _event(n: int) -> func.EventGridOutputEvent:
    return func.EventGridOutputEvent(
        id=f"v2-{n}", data={"n": n}, subject=f"v2/{n}", event_type="Pyfn.V2",
        event_time=None, data_version="1.0")


@app.route(route="publish", methods=["POST"])
@app.event_grid_output(arg_name="out", topic_endpoint_uri="EG_TOPIC_URI",
                       topic_key_setting="EG_TOPIC_KEY")
def publish(req: func.HttpRequest, out: func.Out[func.EventGridOutputEvent]) -> str:
    out.set([_event(1), _event(2)])
    return "published"


@app.route(route="publish_down", methods=["POST"])
@app.event_grid_output(arg_name="out", topic_endpoint_uri="EG_DOWN_URI",
                       topic_key_setting="EG_TOPIC_KEY")
def publish_down(req: func.HttpRequest, out: func.Out[func.EventGridOutputEvent]) -> str:
    out.set(_event(0))
    return "published"
