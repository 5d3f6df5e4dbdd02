import azure.functions as func
from __app__.shared_code import helper


def main(req: func.HttpRequest) -> func.HttpResponse:
    """L6: deprecated `from __app__.shared_code import helper` still works.

    Answers 'L6 helper greets __app__'; the log carries a deprecation warning.
    """
    return func.HttpResponse("L6 " + helper.greet("__app__"))
