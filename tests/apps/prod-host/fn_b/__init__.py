import azure.functions as func


def main(req: func.HttpRequest) -> func.HttpResponse:
    """Answers "b" (authLevel function)."""
    return func.HttpResponse("b")
