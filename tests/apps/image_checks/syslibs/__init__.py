import ctypes
import json

import azure.functions as func


def main(req: func.HttpRequest) -> func.HttpResponse:
    """Full variant: ctypes.CDLL of every library listed in ?list=PATH, inside the worker;
    answers {"count": N, "failed": ["<package> <path>: <error>", ...]}."""
    count, failed = 0, []
    with open(req.params["list"]) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            package, path = line.split()[:2]
            count += 1
            try:
                ctypes.CDLL(path)
            except OSError as e:
                failed.append("%s %s: %s" % (package, path, e))
    return func.HttpResponse(json.dumps({"count": count, "failed": failed}),
                             mimetype="application/json")
