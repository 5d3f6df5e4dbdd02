"""v2-blob: storage blobs in the decorator model (needs AzureWebJobsStorage, e.g. Azurite).
- PUT /api/blobs/{name} with a body -> 201 "stored {name}"; writes blob "v2-blobs/{name}" (blob_output).
- GET /api/blobs/{name} -> 200 the blob's bytes (blob_input "v2-blobs/{name}"); 404 "no blob" if absent.
- `copy_upper` (blob_trigger "v2-blobs/{name}"): logs "v2 blob trigger: v2-blobs/<name> (<n> bytes)" and
  writes the content upper-cased to "v2-copies/{name}".
- GET /api/copies/{name} -> 200 the copy (e.g. PUT "abc" to /api/blobs/x.txt, then "ABC" here);
  404 "no copy" until the trigger has run.
"""
import logging

import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="blobs/{name}", methods=["PUT"])
@app.blob_output(arg_name="out", path="v2-blobs/{name}",
                 connection="AzureWebJobsStorage")
def put_blob(req: func.HttpRequest, out: func.Out[bytes]) -> func.HttpResponse:
    out.set(req.get_body())
    return func.HttpResponse(f"stored {req.route_params['name']}",
                             status_code=201)


@app.route(route="blobs/{name}", methods=["GET"])
@app.blob_input(arg_name="blob", path="v2-blobs/{name}",
                connection="AzureWebJobsStorage",
                data_type=func.DataType.BINARY)
def get_blob(req: func.HttpRequest, blob: bytes) -> func.HttpResponse:
    if blob is None:
        return func.HttpResponse("no blob", status_code=404)
    return func.HttpResponse(blob, mimetype="application/octet-stream")


@app.blob_trigger(arg_name="src", path="v2-blobs/{name}",
                  connection="AzureWebJobsStorage")
@app.blob_output(arg_name="copy", path="v2-copies/{name}",
                 connection="AzureWebJobsStorage")
def copy_upper(src: func.InputStream, copy: func.Out[bytes]) -> None:
    data = src.read()
    logging.info("v2 blob trigger: %s (%d bytes)", src.name, len(data))
    copy.set(data.upper())


@app.route(route="copies/{name}", methods=["GET"])
@app.blob_input(arg_name="blob", path="v2-copies/{name}",
                connection="AzureWebJobsStorage",
                data_type=func.DataType.BINARY)
def get_copy(req: func.HttpRequest, blob: bytes) -> func.HttpResponse:
    if blob is None:
        return func.HttpResponse("no copy", status_code=404)
    return func.HttpResponse(blob, mimetype="application/octet-stream")
