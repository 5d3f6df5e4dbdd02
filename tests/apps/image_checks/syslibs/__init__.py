import json
import runpy

import azure.functions as func

# The image's own check (images/debian/check-libraries.py), run here inside the worker.
CHECK_LIBRARIES = "/opt/pyfn/share/pyfn/check-libraries.py"


def main(req: func.HttpRequest) -> func.HttpResponse:
    """Full variant: ctypes.CDLL of every library listed in ?list=PATH, inside the worker;
    answers {"count": N, "failed": ["<package> <path>: <error>", ...]}."""
    load_all = runpy.run_path(CHECK_LIBRARIES)["load_all"]
    count, failed = load_all(req.params["list"])
    return func.HttpResponse(json.dumps({"count": count, "failed": failed}),
                             mimetype="application/json")
