import azure.functions as func


def main(req: func.HttpRequest, blob: bytes) -> func.HttpResponse:
    if blob is None:
        return func.HttpResponse("missing", status_code=404)
    return func.HttpResponse(blob, mimetype="application/octet-stream")
