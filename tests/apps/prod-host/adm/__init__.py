import azure.functions as func


def main(req: func.HttpRequest) -> func.HttpResponse:
    """Answers "admin" (authLevel admin)."""
    return func.HttpResponse("admin")
