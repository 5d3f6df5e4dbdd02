import asyncio
import json
import os
import threading
import time

import azure.functions as func


async def main(req: func.HttpRequest) -> func.HttpResponse:
    """R5: async def on an event loop: sleeps ?s= seconds (default 1), answers JSON timings."""
    start = time.time()
    await asyncio.sleep(float(req.params.get("s", "1")))
    loop = asyncio.get_running_loop()
    return func.HttpResponse(json.dumps({
        "pid": os.getpid(), "thread": threading.current_thread().name,
        "start": start, "end": time.time(), "async": True, "loop": loop.is_running(),
        "loop_module": type(loop).__module__,
    }), mimetype="application/json")
