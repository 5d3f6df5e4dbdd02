import logging

import azure.functions as func


def main(msg: func.QueueMessage, done: func.Out[str]) -> None:
    if msg.dequeue_count < 2:
        raise RuntimeError(f"flaky fails on dequeue {msg.dequeue_count}")
    logging.info("flaky ok on dequeue %d", msg.dequeue_count)
    done.set(f"{msg.get_body().decode()} after {msg.dequeue_count}")
