import json

import azure.functions as func
from shared_code.timing_extension import EVENTS


def main(req: func.HttpRequest) -> func.HttpResponse:
    """P3: answers the hooks recorded for ?id= (list of names), or with ?load=1 the load hooks."""
    if req.params.get("load"):
        return func.HttpResponse(json.dumps([e for e in EVENTS if "load" in e[0]]),
                                 mimetype="application/json")
    inv = req.params.get("id", "")
    return func.HttpResponse(json.dumps([e[0] for e in EVENTS if e[1] == inv]),
                             mimetype="application/json")
