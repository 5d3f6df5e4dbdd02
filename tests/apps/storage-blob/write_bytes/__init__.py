import azure.functions as func


def main(req: func.HttpRequest, out: func.Out[bytes]) -> func.HttpResponse:
    out.set(req.get_body())
    return func.HttpResponse(f"stored {req.route_params['name']}", status_code=201)
