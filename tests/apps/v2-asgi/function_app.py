"""v2-asgi: a FastAPI app served by AsgiFunctionApp (one function `http_app_func`, route "/{*route}",
every method; host.json routePrefix "" so the app sees the URL path as is). Needs fastapi importable
(.python_packages). Answers:
- GET /hello/Ada -> 200 JSON {"message": "Hello, Ada."}
- GET /startup -> 200 JSON {"started": true} (set by the ASGI lifespan startup before the first request)
- POST /echo with a body -> 200 the same bytes, content type of the request, header X-Echo-Length: <n>
- GET /status/418 -> 418 JSON {"status": 418}
- GET /cookies -> 200 "two cookies" with two Set-Cookie headers: a=1, b=2
- GET /query?x=1&y=2 -> 200 JSON {"x": "1", "y": "2"}
- GET /nope -> 404 JSON {"detail": "Not Found"} (FastAPI's own 404)
On shutdown (lifespan), appends "shutdown\n" to the file named by PYFN_LIFESPAN_LOG if that is set.
"""
import os

import azure.functions as func
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse

fast_app = FastAPI()
lifespan = {"started": False}


@fast_app.on_event("startup")
async def on_startup() -> None:
    lifespan["started"] = True


@fast_app.on_event("shutdown")
async def on_shutdown() -> None:
    path = os.environ.get("PYFN_LIFESPAN_LOG")
    if path:
        with open(path, "a") as f:
            f.write("shutdown\n")


@fast_app.get("/hello/{name}")
async def hello(name: str):
    return {"message": f"Hello, {name}."}


@fast_app.get("/startup")
async def startup_state():
    return {"started": lifespan["started"]}


@fast_app.post("/echo")
async def echo(request: Request):
    body = await request.body()
    return Response(content=body,
                    media_type=request.headers.get("content-type",
                                                   "application/octet-stream"),
                    headers={"X-Echo-Length": str(len(body))})


@fast_app.get("/status/{code}")
async def status(code: int):
    return JSONResponse({"status": code}, status_code=code)


@fast_app.get("/cookies")
async def cookies():
    response = PlainTextResponse("two cookies")
    response.set_cookie("a", "1")
    response.set_cookie("b", "2")
    return response


@fast_app.get("/query")
async def query(request: Request):
    return dict(request.query_params)


app = func.AsgiFunctionApp(app=fast_app,
                           http_auth_level=func.AuthLevel.ANONYMOUS)
