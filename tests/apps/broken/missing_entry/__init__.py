import azure.functions as func


def not_main(req: func.HttpRequest) -> func.HttpResponse:
    """L8: never loads: there is no `main` in this file."""
    return func.HttpResponse("unreachable")
