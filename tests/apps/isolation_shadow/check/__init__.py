import importlib
import json
import os
import sys

import azure.functions as func


def main(req: func.HttpRequest) -> func.HttpResponse:
    """P2: answers which copy of six, typing_extensions, google and grpc the app imports."""
    found = {}
    for name in ("six", "typing_extensions", "google", "grpc"):
        mod = importlib.import_module(name)
        found[name] = {"stub": getattr(mod, "PYFN_APP_STUB", None),
                       "file": getattr(mod, "__file__", None)}
    return func.HttpResponse(json.dumps({
        "modules": found,
        "sys_path": sys.path,
        "isolate": os.environ.get("PYTHON_ISOLATE_WORKER_DEPENDENCIES"),
    }), mimetype="application/json")
