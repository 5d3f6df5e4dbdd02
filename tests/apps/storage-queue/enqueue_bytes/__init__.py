import azure.functions as func


def main(req: func.HttpRequest, msg: func.Out[bytes]) -> func.HttpResponse:
    msg.set(req.get_body())
    return func.HttpResponse("queued", status_code=202)
