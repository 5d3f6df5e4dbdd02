import azure.functions as func


def main(req: func.HttpRequest) -> func.HttpResponse:
    """B3: route items/{id}: answers 'item <id>'."""
    return func.HttpResponse("item " + req.route_params["id"])
