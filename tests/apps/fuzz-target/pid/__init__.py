import os

import azure.functions as func


def main(req: func.HttpRequest) -> func.HttpResponse:
    """Answers the worker's pid (a restart changes it; works in a container too)."""
    return func.HttpResponse(str(os.getpid()))
