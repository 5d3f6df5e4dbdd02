import azure.functions as func

from ..common import tools


def main(req: func.HttpRequest) -> func.HttpResponse:
    """L6: deprecated relative import beyond the top level (`from ..common import tools`)
    still works. Answers 'L6 common tools greet beyond'; the log carries a deprecation warning
    naming the module."""
    return func.HttpResponse("L6 " + tools.greet("beyond"))
