import azure.functions as func


def main(req: func.HttpRequest) -> func.HttpResponse:
    """B3: a 204 with a body: the client gets the 204 without the body (HTTP allows none)."""
    return func.HttpResponse("dropped", status_code=204)
