import azure.functions as func


def main(req: func.HttpRequest) -> func.HttpResponse:
    """B3: host.json routePrefix "": served at /ping, answers 'pong'."""
    return func.HttpResponse("pong")
