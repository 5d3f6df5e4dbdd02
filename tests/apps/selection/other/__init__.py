"""GET /api/other -> 200 "selection other" (when host.json "functions" selects it)."""
import azure.functions as func


def main(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("selection other")
