import azure.functions as func


def main(req: func.HttpRequest) -> func.HttpResponse:
    """L8: never loads: the next line is a syntax error."""
    return func.HttpResponse("unreachable" +)
