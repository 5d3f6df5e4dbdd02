"""The azurefunctions-extensions-http-fastapi programming model (tests/streaming.bats;
docs/behaviour.md, "Streaming HTTP"): FastAPI's Request and responses in decorator
functions, beside a classic func.HttpRequest function.

GET  /api/stream/{count}   StreamingResponse: count lines "line I", 0.3 s apart
POST /api/upload           reads req.stream(); JSONResponse {"bytes", "sha256"}
GET  /api/secret           function-level key; PlainTextResponse "secret ok"
GET  /api/values/{name}    returns a dict (FastAPI answers it as JSON): {"name", "q"}
GET  /api/classic?x=V      classic func.HttpRequest -> func.HttpResponse, 201, "classic V"
"""

import asyncio
import hashlib

import azure.functions as func
from azurefunctions.extensions.http.fastapi import (JSONResponse, PlainTextResponse,
                                                    Request, StreamingResponse)

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="stream/{count:int}", methods=[func.HttpMethod.GET])
async def stream(req: Request) -> StreamingResponse:
    count = int(req.path_params["count"])

    async def lines():
        for i in range(count):
            if i:
                await asyncio.sleep(0.3)
            yield f"line {i}\n"
    return StreamingResponse(lines(), media_type="text/plain")


@app.route(route="upload", methods=[func.HttpMethod.POST])
async def upload(req: Request) -> JSONResponse:
    h = hashlib.sha256()
    size = 0
    async for chunk in req.stream():
        h.update(chunk)
        size += len(chunk)
    return JSONResponse({"bytes": size, "sha256": h.hexdigest()})


@app.route(route="secret", auth_level=func.AuthLevel.FUNCTION)
async def secret(req: Request) -> PlainTextResponse:
    return PlainTextResponse("secret ok")


@app.route(route="values/{name}")
async def values(req: Request):
    return {"name": req.path_params["name"], "q": req.query_params.get("q")}


@app.route(route="classic")
def classic(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse(f"classic {req.params.get('x')}", status_code=201,
                             headers={"X-Classic": "yes"})
