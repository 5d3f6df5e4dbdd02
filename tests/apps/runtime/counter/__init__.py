import os

import azure.functions as func

COUNT = 0


def main(req: func.HttpRequest) -> func.HttpResponse:
    """R3: a global survives between invocations: answers '<count> <pid>'."""
    global COUNT
    COUNT += 1
    return func.HttpResponse("%d %d" % (COUNT, os.getpid()))
