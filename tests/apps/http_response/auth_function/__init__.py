import azure.functions as func


def main(req: func.HttpRequest) -> func.HttpResponse:
    """B3: authLevel function (no keys yet: accepted without one): answers 'function level'."""
    return func.HttpResponse("function level")
