import json

import azure.functions as func


def main(msg: func.QueueMessage, out: func.Out[str]) -> None:
    body = json.loads(msg.get_body())
    out.set(json.dumps({"Name": body["name"], "Dequeued": msg.dequeue_count}))
