import azure.functions as func


def main(req: func.HttpRequest) -> func.HttpResponse:
    """B3: bytes body, application/octet-stream: answers the 4 bytes 00 01 fe ff."""
    return func.HttpResponse(b"\x00\x01\xfe\xff", mimetype="application/octet-stream")
