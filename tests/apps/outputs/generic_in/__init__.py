import azure.functions as func


def main(req: func.HttpRequest, extra) -> func.HttpResponse:
    """B8: an unknown input binding type: answers 'generic input: <type(extra).__name__>'."""
    return func.HttpResponse("generic input: " + type(extra).__name__)
