import json

import azure.functions as func


def main(req: func.HttpRequest) -> func.HttpResponse:
    """Answers {"name": <the name query parameter or null>, "headers": <count>,
    "cookie": <the Cookie header or null>} as JSON (non-ASCII escaped), after reading every
    header: the bad-bytes vectors (tests/http-bad-bytes.bats) and the fuzz driver's known-good
    request."""
    n = sum(1 for k in req.headers if req.headers[k] is not None)
    return func.HttpResponse(json.dumps({
        "name": req.params.get("name"),
        "headers": n,
        "cookie": req.headers.get("cookie"),
    }), mimetype="application/json")
