import azure.functions as func


def main(req: func.HttpRequest, out: func.Out[str]) -> func.HttpResponse:
    body = req.get_json()
    out.set(body["text"])
    return func.HttpResponse("ok", status_code=201)
