import json

import azure.functions as func


def main(req: func.HttpRequest) -> func.HttpResponse:
    """R8: answers {"version", "file", "app_copy"} of the azure.functions in use."""
    return func.HttpResponse(json.dumps({
        "version": getattr(func, "__version__", None),
        "file": func.__file__,
        "app_copy": hasattr(func, "APP_SHIPPED_COPY"),
    }), mimetype="application/json")
