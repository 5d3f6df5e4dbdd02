import azure.functions as func


def main(req: func.HttpRequest) -> func.HttpResponse:
    """Answers "anonymous"."""
    return func.HttpResponse("anonymous")
