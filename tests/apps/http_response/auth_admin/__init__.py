import azure.functions as func


def main(req: func.HttpRequest) -> func.HttpResponse:
    """B3: authLevel admin (401 without the master key): answers 'admin level'."""
    return func.HttpResponse("admin level")
