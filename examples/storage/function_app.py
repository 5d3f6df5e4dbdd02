"""A blob + queue + timer app (decorator model). See README.md for running it on Azurite.

- PUT /api/notes/{name}  -> stores the body as blob notes/{name} and queues the name on "note-events"
- GET /api/notes/{name}  -> the blob, or 404
- on_note_event (queue "note-events") -> writes a word count to blob "counts/{queueTrigger}.txt"
- GET /api/counts/{name} -> that count, or 404 until the queue trigger ran
- heartbeat (timer, every 30 s, useMonitor) -> logs "heartbeat past_due=<bool>"
"""
import logging

import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="notes/{name}", methods=["PUT"])
@app.blob_output(arg_name="note", path="notes/{name}", connection="AzureWebJobsStorage")
@app.queue_output(arg_name="event", queue_name="note-events", connection="AzureWebJobsStorage")
def put_note(req: func.HttpRequest, note: func.Out[bytes],
             event: func.Out[str]) -> func.HttpResponse:
    name = req.route_params["name"]
    note.set(req.get_body())
    event.set(name)
    return func.HttpResponse(f"stored {name}", status_code=201)


@app.route(route="notes/{name}", methods=["GET"])
@app.blob_input(arg_name="note", path="notes/{name}", connection="AzureWebJobsStorage",
                data_type=func.DataType.BINARY)
def get_note(req: func.HttpRequest, note: bytes) -> func.HttpResponse:
    if note is None:
        return func.HttpResponse("no such note", status_code=404)
    return func.HttpResponse(note, mimetype="text/plain")


@app.queue_trigger(arg_name="event", queue_name="note-events", connection="AzureWebJobsStorage")
@app.blob_input(arg_name="note", path="notes/{queueTrigger}", connection="AzureWebJobsStorage",
                data_type=func.DataType.STRING)
@app.blob_output(arg_name="count", path="counts/{queueTrigger}.txt",
                 connection="AzureWebJobsStorage")
def on_note_event(event: func.QueueMessage, note: str, count: func.Out[str]) -> None:
    words = len((note or "").split())
    logging.info("note %s has %d words (dequeue %d)", event.get_body().decode(), words,
                 event.dequeue_count)
    count.set(str(words))


@app.route(route="counts/{name}", methods=["GET"])
@app.blob_input(arg_name="count", path="counts/{name}.txt", connection="AzureWebJobsStorage",
                data_type=func.DataType.STRING)
def get_count(req: func.HttpRequest, count: str) -> func.HttpResponse:
    if count is None:
        return func.HttpResponse("not counted yet", status_code=404)
    return func.HttpResponse(count)


@app.timer_trigger(schedule="*/30 * * * * *", arg_name="timer", use_monitor=True)
def heartbeat(timer: func.TimerRequest) -> None:
    logging.info("heartbeat past_due=%s", timer.past_due)
