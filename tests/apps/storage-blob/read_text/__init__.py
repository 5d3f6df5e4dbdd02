import azure.functions as func


def main(req: func.HttpRequest, blob: str) -> func.HttpResponse:
    if blob is None:
        return func.HttpResponse("missing", status_code=404)
    return func.HttpResponse(f"{type(blob).__name__}:{blob}")
