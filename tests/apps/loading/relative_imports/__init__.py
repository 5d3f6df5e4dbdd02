import azure.functions as func

from . import example
from .example import VALUE


def main(req: func.HttpRequest) -> func.HttpResponse:
    """L5: relative imports in the function package. Answers 'L5 example says hi hi'."""
    return func.HttpResponse("L5 %s %s" % (example.say(), VALUE))
