import sys

import azure.functions as func
import shared_code.helper
from shared_code import helper


def main(req: func.HttpRequest) -> func.HttpResponse:
    """L4: absolute imports from the script root.

    Answers 'L4 helper greets absolute' and whether both import forms gave the same module.
    """
    same = helper is shared_code.helper
    return func.HttpResponse("L4 %s same=%s" % (helper.greet("absolute"), same))
