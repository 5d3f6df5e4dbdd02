"""The bench's streaming row (bench/bench.py --only streaming): an AsgiFunctionApp over
Starlette (Debian's python3-starlette, installed by scripts/deps.sh).

GET /first?pause=S     one line at once, then S seconds later a second line (time to first byte)
GET /download?mib=N    N MiB from a generator, 1 MiB at a time (throughput)
GET /ping              "ok" (readiness)
"""

import asyncio

import azure.functions as func
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse, StreamingResponse
from starlette.routing import Route

BLOCK = b"x" * (1024 * 1024)


async def first(request):
    pause = float(request.query_params.get("pause", "1"))

    async def lines():
        yield b"first\n"
        await asyncio.sleep(pause)
        yield b"second\n"
    return StreamingResponse(lines(), media_type="text/plain")


async def download(request):
    mib = int(request.query_params.get("mib", "1"))

    async def blocks():
        for _ in range(mib):
            yield BLOCK
    return StreamingResponse(blocks(), media_type="application/octet-stream")


async def ping(request):
    return PlainTextResponse("ok")


web = Starlette(routes=[Route("/first", first), Route("/download", download),
                        Route("/ping", ping)])
app = func.AsgiFunctionApp(app=web, http_auth_level=func.AuthLevel.ANONYMOUS)
