"""v2-queue: storage queues in the decorator model (needs AzureWebJobsStorage, e.g. Azurite).
- POST /api/enqueue with body "hello" -> 202 "queued hello"; the body goes to queue "v2-in"
  (queue_output `msg`).
- `upper` (queue_trigger on "v2-in"): logs "v2 queue got: hello" and writes "HELLO" to queue
  "v2-out" (queue_output `out`).
- GET /api/last -> 200 JSON {"last": "hello", "dequeue_count": 1} (last message `upper` saw in this
  worker; {"last": null, ...} before any).
"""
import json
import logging

import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

last = {"last": None, "dequeue_count": None}


@app.route(route="enqueue", methods=["POST"])
@app.queue_output(arg_name="msg", queue_name="v2-in",
                  connection="AzureWebJobsStorage")
def enqueue(req: func.HttpRequest,
            msg: func.Out[str]) -> func.HttpResponse:
    text = req.get_body().decode("utf-8")
    msg.set(text)
    return func.HttpResponse(f"queued {text}", status_code=202)


@app.queue_trigger(arg_name="item", queue_name="v2-in",
                   connection="AzureWebJobsStorage")
@app.queue_output(arg_name="out", queue_name="v2-out",
                  connection="AzureWebJobsStorage")
def upper(item: func.QueueMessage, out: func.Out[str]) -> None:
    text = item.get_body().decode("utf-8")
    last["last"] = text
    last["dequeue_count"] = item.dequeue_count
    logging.info("v2 queue got: %s", text)
    out.set(text.upper())


@app.route(route="last", methods=["GET"])
def last_message(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse(json.dumps(last), mimetype="application/json")
