import json
import os
import sys

import azure.functions as func


def main(req: func.HttpRequest, context: func.Context) -> func.HttpResponse:
    """Where the worker runs and what it was given (see the app's README)."""
    with open("data/config.txt") as f:
        data = f.read().strip()
    root = os.environ.get("AzureWebJobsScriptRoot", "")
    return func.HttpResponse(json.dumps({
        "cwd": os.getcwd(),
        "root_on_path": root in sys.path,
        "function_directory": context.function_directory,
        "data": data,
        "AzureWebJobsScriptRoot": root,
        "FUNCTIONS_APPLICATION_DIRECTORY": os.environ.get("FUNCTIONS_APPLICATION_DIRECTORY"),
        "FUNCTIONS_WORKER_DIRECTORY": os.environ.get("FUNCTIONS_WORKER_DIRECTORY"),
        "SETTING_FROM_LOCAL": os.environ.get("SETTING_FROM_LOCAL"),
    }), mimetype="application/json")
