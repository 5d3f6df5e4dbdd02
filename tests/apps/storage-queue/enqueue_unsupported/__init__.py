import azure.functions as func


def main(req: func.HttpRequest, msg: func.Out[str]) -> func.HttpResponse:
    msg.set(object())
    return func.HttpResponse("should not be answered")
