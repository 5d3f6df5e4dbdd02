import azure.functions as func


def main(req: func.HttpRequest) -> func.HttpResponse:
    """B3: route products/{category:alpha}/{id:int?}: answers 'category=<c> id=<id or none>'."""
    return func.HttpResponse("category=%s id=%s" % (
        req.route_params.get("category"), req.route_params.get("id") or "none"))
