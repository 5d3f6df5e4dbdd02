import azure.functions as func


def main(req: func.HttpRequest, blob: func.InputStream) -> func.HttpResponse:
    if blob is None:
        return func.HttpResponse("missing", status_code=404)
    data = blob.read()
    return func.HttpResponse(f"{type(blob).__name__} {len(data)} {data.decode()}")
