import azure.functions as func
from shared_code.timing_extension import EVENTS, FailingFuncExtension

failing = FailingFuncExtension(__file__)


def main(req: func.HttpRequest, context: func.Context) -> func.HttpResponse:
    """P3: a hook raised before this ran; answers 'ran despite a failing hook'."""
    EVENTS.append(["function", context.invocation_id])
    return func.HttpResponse("ran despite a failing hook")
