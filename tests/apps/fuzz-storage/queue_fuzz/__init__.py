import hashlib
import logging

import azure.functions as func


def main(msg: func.QueueMessage) -> None:
    """Reads every field of the message, then logs the marker the fuzz driver counts:
    "FUZZ-Q id=<message id> sha=<sha256 of the body> json=<type or error>"."""
    body = msg.get_body()
    try:
        kind = type(msg.get_json()).__name__
    except ValueError as e:
        kind = type(e).__name__
    fields = (msg.dequeue_count, msg.insertion_time, msg.expiration_time,
              msg.time_next_visible, msg.pop_receipt)
    logging.info("FUZZ-Q id=%s sha=%s json=%s fields=%d", msg.id,
                 hashlib.sha256(body).hexdigest(), kind, sum(f is not None for f in fields))
