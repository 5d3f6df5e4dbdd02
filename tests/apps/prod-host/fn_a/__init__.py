import azure.functions as func


def main(req: func.HttpRequest) -> func.HttpResponse:
    """Answers "a" (authLevel function)."""
    return func.HttpResponse("a")
