import json
import os
import platform
import sys

import azure.functions as func


def main(req: func.HttpRequest) -> func.HttpResponse:
    """I1/I2: answers the worker's Python version, the process identity and the loader
    variables it was started with as JSON."""
    return func.HttpResponse(json.dumps({
        "python": "%d.%d" % sys.version_info[:2],
        "version": sys.version,
        "implementation": platform.python_implementation(),
        "executable": sys.executable,
        "uid": os.getuid(),
        "gid": os.getgid(),
        "functions_version": func.__version__,
        "functions_file": func.__file__,
        "script_root": os.environ.get("AzureWebJobsScriptRoot"),
        "ld_library_path": os.environ.get("LD_LIBRARY_PATH"),
        "ld_preload": os.environ.get("LD_PRELOAD"),
    }), mimetype="application/json")
