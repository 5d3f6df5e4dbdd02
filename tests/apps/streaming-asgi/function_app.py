"""Streaming HTTP with an AsgiFunctionApp (tests/streaming.bats; docs/behaviour.md,
"Streaming HTTP"). FastAPI comes from Debian's python3-fastapi, fetched by the test.

GET  /ticks?n=N&pause=S  N lines "tick I T" (T: the worker's clock) with S seconds between
GET  /sse?n=N&pause=S    N server-sent events "data: event I", S seconds apart
POST /hash               reads the body piece by piece; {"sha256", "bytes", "pieces"}
GET  /download?mib=N     N MiB from a generator, 1 MiB at a time (bytes 0..255 repeated)
GET  /pid                {"pid": the worker's process id}
"""

import asyncio
import hashlib
import os
import time

import azure.functions as func
from fastapi import FastAPI, Request
from fastapi.responses import StreamingResponse

web = FastAPI()
BLOCK = bytes(range(256)) * 4096  # 1 MiB


@web.get("/ticks")
async def ticks(n: int = 5, pause: float = 0.5):
    async def lines():
        for i in range(n):
            if i:
                await asyncio.sleep(pause)
            yield f"tick {i} {time.time():.3f}\n"
    return StreamingResponse(lines(), media_type="text/plain")


@web.get("/sse")
async def sse(n: int = 3, pause: float = 0.5):
    async def events():
        for i in range(n):
            if i:
                await asyncio.sleep(pause)
            yield f"data: event {i}\n\n"
    return StreamingResponse(events(), media_type="text/event-stream")


@web.post("/hash")
async def hash_body(request: Request):
    h = hashlib.sha256()
    size = pieces = 0
    async for piece in request.stream():
        h.update(piece)
        size += len(piece)
        pieces += 1 if piece else 0
    return {"sha256": h.hexdigest(), "bytes": size, "pieces": pieces}


@web.get("/download")
def download(mib: int = 1):
    def blocks():
        for _ in range(mib):
            yield BLOCK
    return StreamingResponse(blocks(), media_type="application/octet-stream")


@web.get("/pid")
async def pid():
    return {"pid": os.getpid()}


app = func.AsgiFunctionApp(app=web, http_auth_level=func.AuthLevel.ANONYMOUS)
