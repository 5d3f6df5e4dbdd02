"""Reports each event it gets to EG_RECORD_URL; subject "fail" raises."""
import json
import os
import urllib.request

import azure.functions as func


def main(event: func.EventGridEvent) -> None:
    if event.subject == "fail":
        raise RuntimeError(f"on_event fails on purpose for event {event.id}")
    record = {
        "function": "on_event",
        "id": event.id,
        "topic": event.topic,
        "subject": event.subject,
        "event_type": event.event_type,
        "event_time": event.event_time.isoformat() if event.event_time else None,
        "data": event.get_json(),
        "data_version": event.data_version,
    }
    req = urllib.request.Request(
        os.environ["EG_RECORD_URL"], data=json.dumps(record).encode(),
        headers={"Content-Type": "application/json"}, method="POST")
    urllib.request.urlopen(req, timeout=10).close()
