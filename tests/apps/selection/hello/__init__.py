"""GET /api/hello -> 200 "selection hello" (when host.json "functions" selects it)."""
import azure.functions as func


def main(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("selection hello")
