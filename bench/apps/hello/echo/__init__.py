"""Parses a JSON body and answers it back: decode, call and encode with a 1 KiB payload."""
import json

import azure.functions as func


def main(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse(json.dumps(req.get_json()), mimetype="application/json")
