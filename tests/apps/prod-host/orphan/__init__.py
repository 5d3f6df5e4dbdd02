import os
import subprocess

import azure.functions as func


def main(req: func.HttpRequest) -> func.HttpResponse:
    """Starts a grandchild (sleep 2) that outlives its parent shell;
    answers the grandchild pid. The host (subreaper) must reap it."""
    out = subprocess.run(["/bin/sh", "-c", "sleep 2 >/dev/null 2>&1 & echo $!"],
                         capture_output=True, text=True, check=True)
    return func.HttpResponse(out.stdout.strip())
