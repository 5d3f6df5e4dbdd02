import azure.functions as func


def main(req: func.HttpRequest) -> func.HttpResponse:
    """B3: methods ["post"]: answers 'posted' to POST; GET must not reach it."""
    return func.HttpResponse("posted")
