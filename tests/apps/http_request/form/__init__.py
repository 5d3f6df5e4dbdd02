import json

import azure.functions as func


def main(req: func.HttpRequest) -> func.HttpResponse:
    """B2: answers {"form": {field: value}, "files": {field: {filename, content_type, content}}}."""
    form = {k: req.form[k] for k in req.form}
    files = {}
    for k in req.files:
        f = req.files[k]
        files[k] = {"filename": f.filename, "content_type": f.content_type,
                    "content": f.read().decode("utf-8")}
    return func.HttpResponse(json.dumps({"form": form, "files": files}),
                             mimetype="application/json")
