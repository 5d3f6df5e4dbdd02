import azure.functions as func


def main(req: func.HttpRequest) -> func.HttpResponse:
    """B3: authLevel admin (no keys yet: accepted without one): answers 'admin level'."""
    return func.HttpResponse("admin level")
