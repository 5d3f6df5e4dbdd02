import azure.functions as func


def main(req: func.HttpRequest) -> func.HttpResponse:
    """L8: never loads: function.json beside it is not valid JSON."""
    return func.HttpResponse("unreachable")
