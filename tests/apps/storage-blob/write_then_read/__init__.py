import azure.functions as func


def main(req: func.HttpRequest, src_blob: bytes, dst_blob: func.Out[bytes]) -> func.HttpResponse:
    if src_blob is None:
        return func.HttpResponse("missing", status_code=404)
    dst_blob.set(src_blob[::-1])
    return func.HttpResponse("copied", status_code=201)
