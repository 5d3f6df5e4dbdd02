import azure.functions as func


def main(req: func.HttpRequest, out: func.Out[str]) -> func.HttpResponse:
    out.set(12345)  # an int: the blob binding cannot write it
    return func.HttpResponse("should not be answered")
