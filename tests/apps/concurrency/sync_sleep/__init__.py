import json
import os
import threading
import time

import azure.functions as func


def main(req: func.HttpRequest) -> func.HttpResponse:
    """R5: plain def on the thread pool: sleeps ?s= seconds (default 1), answers JSON timings."""
    start = time.time()
    time.sleep(float(req.params.get("s", "1")))
    return func.HttpResponse(json.dumps({
        "pid": os.getpid(), "thread": threading.current_thread().name,
        "start": start, "end": time.time(), "async": False, "loop": None,
    }), mimetype="application/json")
