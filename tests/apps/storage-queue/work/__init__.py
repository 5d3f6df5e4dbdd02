import json
import logging

import azure.functions as func


def main(msg: func.QueueMessage, done: func.Out[str]) -> None:
    body = msg.get_body().decode()
    logging.info("work got %s dequeue_count=%s", body, msg.dequeue_count)
    done.set(json.dumps({
        "body": body,
        "id": msg.id,
        "dequeue_count": msg.dequeue_count,
        "insertion_time": msg.insertion_time.isoformat() if msg.insertion_time else None,
        "expiration_time": msg.expiration_time.isoformat() if msg.expiration_time else None,
        "time_next_visible": msg.time_next_visible.isoformat() if msg.time_next_visible else None,
        "pop_receipt": msg.pop_receipt,
    }, sort_keys=True))
