import json
import os

import azure.functions as func


def main(req: func.HttpRequest) -> func.HttpResponse:
    """R4/L7: answers {"environ": os.environ.get(name), "getenv": os.getenv(name)} for ?name=."""
    name = req.params.get("name", "")
    return func.HttpResponse(
        json.dumps({"environ": os.environ.get(name), "getenv": os.getenv(name)}),
        mimetype="application/json")
