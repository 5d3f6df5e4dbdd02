import azure.functions as func


def main(req: func.HttpRequest, text: func.Out[str], blob: func.Out[bytes]) -> func.HttpResponse:
    """B4 + B8: sets two generic outputs of an unknown binding type: answers 'outputs set'."""
    text.set("some text")
    blob.set(b"\x00some bytes")
    return func.HttpResponse("outputs set")
