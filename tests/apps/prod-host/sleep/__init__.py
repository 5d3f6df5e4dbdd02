import time

import azure.functions as func


def main(req: func.HttpRequest) -> func.HttpResponse:
    """Sleeps ?ms= milliseconds (default 1000), answers "slept"."""
    time.sleep(int(req.params.get("ms", "1000")) / 1000)
    return func.HttpResponse("slept")
