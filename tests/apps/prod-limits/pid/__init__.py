import os

import azure.functions as func


def main(req: func.HttpRequest) -> func.HttpResponse:
    """Answers the worker pid."""
    return func.HttpResponse(str(os.getpid()))
