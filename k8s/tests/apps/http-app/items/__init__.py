import json

import azure.functions as func


def main(req: func.HttpRequest) -> func.HttpResponse:
    item = {"id": int(req.route_params["id"]), "method": req.method}
    return func.HttpResponse(json.dumps(item), mimetype="application/json")
