import json

import azure.functions as func


def main(req: func.HttpRequest) -> func.HttpResponse:
    """B2: answers JSON with what the HttpRequest holds (see the app's README)."""
    body = req.get_body()
    return func.HttpResponse(json.dumps({
        "method": req.method,
        "url": req.url,
        "header_exact": req.headers.get("X-Pyfn-Test"),
        "header_lower": req.headers.get("x-pyfn-test"),
        "header_upper": req.headers.get("X-PYFN-TEST"),
        "header_in": "X-PYFN-TEST" in req.headers,
        "header_missing": req.headers.get("X-Not-Sent"),
        "params": dict(req.params),
        "route_params": dict(req.route_params),
        "body": body.decode("latin-1"),
        "body_type": type(body).__name__,
    }), mimetype="application/json")
