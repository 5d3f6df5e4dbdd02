import azure.functions as func


def main(req: func.HttpRequest) -> func.HttpResponse:
    """R6: the worker keeps serving: answers 'ok'."""
    return func.HttpResponse("ok")
