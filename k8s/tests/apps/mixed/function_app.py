"""HTTP + queue + timer + blob in one decorator app (pyfn-k8s fixture).

- POST /api/orders          -> queues the body on "orders"
- process_order (queue)     -> writes receipts/{id}.json (AzureWebJobsStorage)
- on_image (blob "images/uploads/{name}", connection ImagesStorage) -> logs its size
- cleanup (timer, every 5 minutes)
"""
import json
import logging

import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.FUNCTION)


@app.route(route="orders", methods=["POST"])
@app.queue_output(arg_name="out", queue_name="orders", connection="AzureWebJobsStorage")
def submit_order(req: func.HttpRequest, out: func.Out[str]) -> func.HttpResponse:
    out.set(req.get_body().decode())
    return func.HttpResponse("queued", status_code=202)


@app.queue_trigger(arg_name="msg", queue_name="orders", connection="AzureWebJobsStorage")
@app.blob_output(arg_name="receipt", path="receipts/{id}.json",
                 connection="AzureWebJobsStorage")
def process_order(msg: func.QueueMessage, receipt: func.Out[str]) -> None:
    order = json.loads(msg.get_body())
    receipt.set(json.dumps({"id": order.get("id"), "status": "done"}))


@app.blob_trigger(arg_name="image", path="images/uploads/{name}", connection="ImagesStorage")
def on_image(image: func.InputStream) -> None:
    logging.info("image %s: %d bytes", image.name, len(image.read()))


@app.timer_trigger(schedule="0 */5 * * * *", arg_name="timer", run_on_startup=False)
def cleanup(timer: func.TimerRequest) -> None:
    logging.info("cleanup, past_due=%s", timer.past_due)
