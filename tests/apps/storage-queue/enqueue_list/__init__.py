import typing

import azure.functions as func


def main(req: func.HttpRequest, msg: func.Out[typing.List[str]]) -> func.HttpResponse:
    msg.set(["one", "two", "three"])
    return func.HttpResponse("queued", status_code=202)
