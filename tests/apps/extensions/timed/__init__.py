import json

import azure.functions as func
from shared_code.timing_extension import EVENTS, TimingAppExtension, TimingFuncExtension  # noqa: F401

timing = TimingFuncExtension(__file__)


def main(req: func.HttpRequest, context: func.Context) -> func.HttpResponse:
    """P3: answers {"invocation_id", "app_timer", "func_timer"} (timer attributes present?)."""
    EVENTS.append(["function", context.invocation_id])
    return func.HttpResponse(json.dumps({
        "invocation_id": context.invocation_id,
        "app_timer": hasattr(context, "app_timer"),
        "func_timer": hasattr(context, "func_timer"),
    }), mimetype="application/json")
