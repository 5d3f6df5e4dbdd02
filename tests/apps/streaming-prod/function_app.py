"""Streaming HTTP under the production host's rules (tests/streaming-prod.bats;
docs/behaviour.md, "Streaming HTTP"): tracing, functionTimeout, draining, CORS, keys,
limits and metrics on streamed requests. The azurefunctions.extensions.http.fastapi
model; FastAPI and Starlette come from Debian's packages, fetched by the test.

GET /api/lines/{count}?pause=S&wait=W  StreamingResponse: waits W seconds before the
                                       response head, then count lines "line I", S seconds
                                       apart (default 0.3)
GET /api/trace                         JSONResponse {"traceparent", "tracestate",
                                       "invocation_id"}: the invocation's trace context as
                                       the worker got it
GET /api/secret                        function-level key; PlainTextResponse "secret ok"
GET /api/pid                           JSONResponse {"pid": the worker's process id}
"""

import asyncio
import os

import azure.functions as func
from azurefunctions.extensions.http.fastapi import (JSONResponse, PlainTextResponse,
                                                    Request, StreamingResponse)

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="lines/{count:int}", methods=[func.HttpMethod.GET])
async def lines(req: Request) -> StreamingResponse:
    count = int(req.path_params["count"])
    pause = float(req.query_params.get("pause", "0.3"))
    await asyncio.sleep(float(req.query_params.get("wait", "0")))

    async def body():
        for i in range(count):
            if i:
                await asyncio.sleep(pause)
            yield f"line {i}\n"
    return StreamingResponse(body(), media_type="text/plain")


@app.route(route="trace")
async def trace(req: Request, context: func.Context) -> JSONResponse:
    return JSONResponse({
        "traceparent": context.trace_context.Traceparent,
        "tracestate": context.trace_context.Tracestate,
        "invocation_id": context.invocation_id,
    })


@app.route(route="secret", auth_level=func.AuthLevel.FUNCTION)
async def secret(req: Request) -> PlainTextResponse:
    return PlainTextResponse("secret ok")


@app.route(route="pid")
async def pid(req: Request) -> JSONResponse:
    return JSONResponse({"pid": os.getpid()})
