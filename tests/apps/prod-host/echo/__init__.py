import azure.functions as func


def main(req: func.HttpRequest) -> func.HttpResponse:
    """Answers "<method> <body length>"."""
    return func.HttpResponse(f"{req.method} {len(req.get_body())}")
