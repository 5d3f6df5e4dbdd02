import azure.functions as func


def main(req: func.HttpRequest) -> func.HttpResponse:
    """P2: answers 'pong' while another request runs gRPC."""
    return func.HttpResponse("pong")
