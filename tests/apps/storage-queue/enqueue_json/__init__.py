import azure.functions as func


def main(req: func.HttpRequest, msg: func.Out) -> func.HttpResponse:
    msg.set({"order": 7, "items": ["a", "b"]})
    return func.HttpResponse("queued", status_code=202)
