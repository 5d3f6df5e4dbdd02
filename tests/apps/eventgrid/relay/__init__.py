"""Publishes each event it gets again, as relayed-<id> / relayed/<subject>."""
import azure.functions as func


def main(event: func.EventGridEvent) -> func.EventGridOutputEvent:
    return func.EventGridOutputEvent(
        id=f"relayed-{event.id}", data=event.get_json(),
        subject=f"relayed/{event.subject}", event_type="Pyfn.Relayed",
        event_time=event.event_time, data_version="1.0")
