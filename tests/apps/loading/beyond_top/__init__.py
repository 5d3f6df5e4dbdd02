import azure.functions as func

from ..shared_code import helper


def main(req: func.HttpRequest) -> func.HttpResponse:
    """L6: deprecated relative import beyond the top level still works.

    Answers 'L6 helper greets beyond'.
    """
    return func.HttpResponse("L6 " + helper.greet("beyond"))
