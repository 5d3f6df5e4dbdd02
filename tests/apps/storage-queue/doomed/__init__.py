import azure.functions as func


def main(msg: func.QueueMessage) -> None:
    raise RuntimeError(f"doomed fails on dequeue {msg.dequeue_count}")
