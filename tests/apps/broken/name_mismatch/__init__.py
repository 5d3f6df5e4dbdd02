import azure.functions as func


def main(request: func.HttpRequest) -> func.HttpResponse:
    """B1: never loads: function.json names the trigger `req`, the signature `request`."""
    return func.HttpResponse("unreachable")
