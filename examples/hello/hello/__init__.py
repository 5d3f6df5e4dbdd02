import logging

import azure.functions as func


def main(req: func.HttpRequest) -> func.HttpResponse:
    """Answers 'Hello, <name>.' for ?name= or a JSON body {"name": ...}; 400 otherwise."""
    logging.info("Python HTTP trigger function processed a request.")

    name = req.params.get("name")
    if not name:
        try:
            body = req.get_json()
        except ValueError:
            body = None
        if isinstance(body, dict):
            name = body.get("name")

    if name:
        return func.HttpResponse(f"Hello, {name}.")
    return func.HttpResponse(
        "Pass a name in the query string (?name=Ada) or in a JSON request body "
        '({"name": "Ada"}) for a personalized response.',
        status_code=400,
    )
