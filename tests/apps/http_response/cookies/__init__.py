import azure.functions as func


def main(req: func.HttpRequest) -> func.HttpResponse:
    """B3: two Set-Cookie headers (a=1, b=2) survive as two header lines; body 'cookies'."""
    resp = func.HttpResponse("cookies")
    resp.headers.add("Set-Cookie", "a=1; Path=/; HttpOnly")
    resp.headers.add("Set-Cookie", "b=2; Path=/; Secure")
    return resp
