import azure.functions as func


def main(req: func.HttpRequest) -> func.HttpResponse:
    """B3: authLevel function (401 without a key): answers 'function level'."""
    return func.HttpResponse("function level")
