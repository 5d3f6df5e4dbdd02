import azure.functions as func


def main(req: func.HttpRequest, person) -> func.HttpResponse:
    if person is None:
        return func.HttpResponse("missing", status_code=404)
    return func.HttpResponse(person, headers={"X-Type": type(person).__name__},
                             mimetype="application/json")
