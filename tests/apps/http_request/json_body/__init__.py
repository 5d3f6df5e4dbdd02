import json

import azure.functions as func


def main(req: func.HttpRequest) -> func.HttpResponse:
    """B2: 200 {"json": <get_json()>}, or 400 {"error": "ValueError", ...} on bad or empty JSON."""
    try:
        value = req.get_json()
    except ValueError as e:
        return func.HttpResponse(
            json.dumps({"error": "ValueError", "message": str(e)}),
            status_code=400, mimetype="application/json")
    return func.HttpResponse(json.dumps({"json": value}), mimetype="application/json")
