import azure.functions as func


def main(req: func.HttpRequest, out: func.Out[str]) -> func.HttpResponse:
    out.set("never written")
    return func.HttpResponse("should not be answered")
