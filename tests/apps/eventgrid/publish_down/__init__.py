"""POST /api/publish_down: one event to EG_DOWN_URI, where nobody listens."""
import azure.functions as func


def main(req: func.HttpRequest, outputEvent: func.Out) -> func.HttpResponse:
    outputEvent.set(func.EventGridOutputEvent(
        id="down-1", data={}, subject="down", event_type="Pyfn.Down",
        event_time=None, data_version="1.0"))
    return func.HttpResponse("published")
