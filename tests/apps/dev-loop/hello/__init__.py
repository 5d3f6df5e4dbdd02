import azure.functions as func


def main(req: func.HttpRequest) -> func.HttpResponse:
    """The tests replace 'v1' in this file while the host runs."""
    return func.HttpResponse("hello v1")
