import time

import azure.functions as func

VERSION = "slow v1"


def main(req: func.HttpRequest) -> func.HttpResponse:
    """Sleeps ?s= seconds, then answers the VERSION this module was imported with."""
    time.sleep(float(req.params.get("s", "0")))
    return func.HttpResponse(VERSION)
