import azure.functions as func


def main(req: func.HttpRequest) -> func.HttpResponse:
    """B3: 201, header X-Pyfn: custom-header, Content-Type text/html; charset=iso-8859-1,
    body "café" encoded in Latin-1 (4 bytes: 63 61 66 e9)."""
    return func.HttpResponse("café", status_code=201, headers={"X-Pyfn": "custom-header"},
                             mimetype="text/html", charset="iso-8859-1")
