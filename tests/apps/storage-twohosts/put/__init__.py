import azure.functions as func


def main(req: func.HttpRequest, out: func.Out[bytes]) -> func.HttpResponse:
    out.set(req.get_body())
    return func.HttpResponse("stored", status_code=201)
