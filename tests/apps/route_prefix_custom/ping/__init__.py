import azure.functions as func


def main(req: func.HttpRequest) -> func.HttpResponse:
    """B3: host.json routePrefix "v1": served at /v1/ping, answers 'pong'."""
    return func.HttpResponse("pong")
