"""pyfn's `azurefunctions.extensions.http.fastapi`: the FastAPI request and
response types for HTTP functions, as the public
`azurefunctions-extensions-http-fastapi` package exports them.

    import azure.functions as func
    from azurefunctions.extensions.http.fastapi import Request, StreamingResponse

    app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

    @app.route(route="stream")
    async def stream(req: Request) -> StreamingResponse:
        return StreamingResponse(chunks(), media_type="text/event-stream")

Importing this module declares the programming model: pyfn's worker then
serves the app's HTTP functions over its streaming endpoint (the `HttpUri`
capability), so `await req.stream()` reads the body as it arrives and a
StreamingResponse reaches the client piece by piece. The classes are
FastAPI's (`fastapi.Request` is Starlette's `Request`), taken from the app's
environment; without FastAPI, Starlette's own serve (UJSONResponse and
ORJSONResponse then need `ujson` / `orjson` when they render). Unlike the
public package, nothing here needs uvicorn: the worker has its own endpoint.
"""

try:
    from fastapi import Request, Response
    from fastapi.responses import (FileResponse, HTMLResponse, JSONResponse,
                                   ORJSONResponse, PlainTextResponse,
                                   RedirectResponse, StreamingResponse,
                                   UJSONResponse)
except ImportError:  # Starlette alone
    from starlette.requests import Request
    from starlette.responses import (FileResponse, HTMLResponse, JSONResponse,
                                     PlainTextResponse, RedirectResponse,
                                     Response, StreamingResponse)

    class UJSONResponse(JSONResponse):
        """JSON rendered with ujson (which the app must provide)."""

        def render(self, content) -> bytes:
            import ujson
            return ujson.dumps(content, ensure_ascii=False).encode('utf-8')

    class ORJSONResponse(JSONResponse):
        """JSON rendered with orjson (which the app must provide)."""

        def render(self, content) -> bytes:
            import orjson
            return orjson.dumps(
                content, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY)

__all__ = [
    'Request',
    'Response',
    'StreamingResponse',
    'HTMLResponse',
    'PlainTextResponse',
    'RedirectResponse',
    'JSONResponse',
    'UJSONResponse',
    'ORJSONResponse',
    'FileResponse',
]

__version__ = '1.0.0b1+pyfn'
