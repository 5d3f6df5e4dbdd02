"""POST /api/publish/{kind}: one, list, text or cloud events to the topic."""
import datetime
import json

import azure.functions as func

T = datetime.datetime(2024, 5, 1, 10, 0, 0, tzinfo=datetime.timezone.utc)


def event(n: int) -> func.EventGridOutputEvent:
    return func.EventGridOutputEvent(
        id=f"pub-{n}", data={"n": n}, subject=f"items/{n}",
        event_type="Pyfn.Published", event_time=T, data_version="1.0")


def main(req: func.HttpRequest, outputEvent: func.Out) -> func.HttpResponse:
    kind = req.route_params["kind"]
    if kind == "one":
        outputEvent.set(event(1))
    elif kind == "list":
        outputEvent.set([event(1), event(2)])
    elif kind == "text":
        outputEvent.set(json.dumps({"subject": "items/text", "eventType": "Pyfn.Text",
                                    "data": {"text": True}, "dataVersion": "1.0"}))
    elif kind == "cloud":
        outputEvent.set(json.dumps([{"specversion": "1.0", "id": "ce-1", "source": "/pyfn",
                                     "type": "Pyfn.Cloud", "data": {"c": 1}}]))
    else:
        return func.HttpResponse(f"unknown kind {kind}", status_code=400)
    return func.HttpResponse(f"published {kind}")
