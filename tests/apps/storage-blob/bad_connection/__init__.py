import azure.functions as func


def main(req: func.HttpRequest, blob: str) -> func.HttpResponse:
    return func.HttpResponse("should not run")
