import json

import azure.functions as func


def main(msg: func.QueueMessage, context: func.Context, done: func.Out[str]) -> None:
    done.set(json.dumps({
        "body": msg.get_body().decode(),
        "traceparent": context.trace_context.Traceparent,
        "invocation_id": context.invocation_id,
    }))
