import os

import azure.functions as func

REPLICA = os.environ.get("PYFN_REPLICA", "?")


def main(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse(f"ok {REPLICA}")
