import azure.functions as func


def main(req: func.HttpRequest, msg: func.Out[func.QueueMessage]) -> func.HttpResponse:
    msg.set(func.QueueMessage(body=req.get_body()))
    return func.HttpResponse("queued", status_code=202)
