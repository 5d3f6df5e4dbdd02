"""AsgiMiddleware and AsgiFunctionApp: func.HttpRequest <-> ASGI, the
lifespan protocol; with a raw ASGI app and, when Debian's python3-fastapi /
python3-starlette are installed, with FastAPI and Starlette."""
import asyncio
import json
import os
import sys
import warnings

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))

from azure.functions._http_asgi import AsgiMiddleware  # noqa: E402
from azure.functions.decorators import AsgiFunctionApp  # noqa: E402

from _support import importorskip_any, make_request  # noqa: E402
from _support import make_context as context  # noqa: E402


class EchoApp:
    """A raw ASGI app: answers JSON describing the request; lifespan
    startup/shutdown are recorded (and can be made to fail)."""

    def __init__(self, fail_startup=False):
        self.events = []
        self.scopes = []
        self.fail_startup = fail_startup

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                self.events.append(message["type"])
                if message["type"] == "lifespan.startup":
                    if self.fail_startup:
                        await send({"type": "lifespan.startup.failed",
                                    "message": "no database"})
                        return
                    scope["state"]["greeting"] = "hi"
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        assert scope["type"] == "http"
        self.scopes.append(scope)
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        payload = {
            "method": scope["method"],
            "path": scope["path"],
            "raw_path": scope["raw_path"].decode(),
            "query": scope["query_string"].decode(),
            "headers": {k.decode(): v.decode() for k, v in scope["headers"]},
            "body": body.decode(),
            "state": scope.get("state", {}).get("greeting"),
        }
        data = json.dumps(payload).encode()
        await send({"type": "http.response.start", "status": 201,
                    "headers": [(b"content-type",
                                 b"application/json; charset=utf-8"),
                                (b"set-cookie", b"a=1; Path=/"),
                                (b"set-cookie", b"b=2; Path=/"),
                                (b"x-app", b"echo")]})
        # two body chunks
        await send({"type": "http.response.body", "body": data[:5],
                    "more_body": True})
        await send({"type": "http.response.body", "body": data[5:]})


def test_handle_async_round_trip():
    app = EchoApp()
    mw = AsgiMiddleware(app)
    req = make_request('POST',
                       'http://localhost:7071/api/echo/a%20b?x=1&y=%C3%A9',
                       headers={'Content-Type': 'text/plain',
                                'X-Custom': 'v'},
                       body=b'hello body')
    resp = asyncio.run(mw.handle_async(req, context()))
    assert resp.status_code == 201
    payload = json.loads(resp.get_body())
    assert payload["method"] == "POST"
    assert payload["path"] == "/api/echo/a b"
    assert payload["raw_path"] == "/api/echo/a%20b"
    assert payload["query"] == "x=1&y=%C3%A9"
    assert payload["headers"]["x-custom"] == "v"
    assert payload["headers"]["content-type"] == "text/plain"
    assert payload["body"] == "hello body"
    assert resp.mimetype == "application/json"
    assert resp.charset == "utf-8"
    assert resp.headers["x-app"] == "echo"
    assert resp.headers.get_all("Set-Cookie") == ["a=1; Path=/",
                                                  "b=2; Path=/"]
    scope = app.scopes[0]
    assert scope["asgi"]["version"] == "3.0"
    assert scope["http_version"] == "1.1"
    assert scope["scheme"] == "http"
    assert scope["server"] == ("localhost", 7071)
    assert scope["root_path"] == ""
    assert scope["azure_functions.function_name"] == "http_app_func"
    assert scope["azure_functions.invocation_id"].startswith("11111111")


def test_handle_sync_is_deprecated_but_works():
    mw = AsgiMiddleware(EchoApp())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        resp = mw.handle(make_request(), context())
    assert any(issubclass(w.category, DeprecationWarning) for w in caught)
    assert resp.status_code == 201
    # and a second call reuses the middleware's loop
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        assert mw.handle(make_request()).status_code == 201
    assert mw.main(make_request(), None).status_code == 201


def test_handle_sync_from_running_loop():
    mw = AsgiMiddleware(EchoApp())

    async def inside():
        return mw._handle(make_request(), None)

    assert asyncio.run(inside()).status_code == 201


def test_lifespan_startup_state_and_shutdown():
    app = EchoApp()
    mw = AsgiMiddleware(app)

    async def scenario():
        assert await mw.notify_startup() is True
        resp = await mw.handle_async(make_request(), None)
        assert await mw.notify_shutdown() is True
        return resp

    resp = asyncio.run(scenario())
    assert json.loads(resp.get_body())["state"] == "hi"
    assert app.events == ["lifespan.startup", "lifespan.shutdown"]


def test_lifespan_startup_failed():
    mw = AsgiMiddleware(EchoApp(fail_startup=True))
    assert asyncio.run(mw.notify_startup()) is False
    assert mw.lifespan_startup_failed


def test_lifespan_unsupported_app_counts_as_started():
    async def http_only(scope, receive, send):
        if scope["type"] != "http":
            raise ValueError("only http")
        await send({"type": "http.response.start", "status": 204,
                    "headers": []})
        await send({"type": "http.response.body", "body": b""})

    mw = AsgiMiddleware(http_only)

    async def scenario():
        assert await mw.notify_startup() is True
        resp = await mw.handle_async(make_request(), None)
        assert await mw.notify_shutdown() is True
        return resp

    assert asyncio.run(scenario()).status_code == 204


def test_app_that_never_starts_a_response_fails():
    async def broken(scope, receive, send):
        return None

    with pytest.raises(RuntimeError, match='http.response.start'):
        asyncio.run(AsgiMiddleware(broken).handle_async(make_request()))


def test_app_exception_propagates():
    async def boom(scope, receive, send):
        raise KeyError("boom")

    with pytest.raises(KeyError):
        asyncio.run(AsgiMiddleware(boom).handle_async(make_request()))


def test_streaming_response_waits_for_completion():
    """receive() must not report a disconnect before the response is
    complete (streaming frameworks listen for it)."""
    async def streamer(scope, receive, send):
        await receive()  # the request
        disconnected = asyncio.ensure_future(receive())
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/plain")]})
        for part in (b"one ", b"two ", b"three"):
            await asyncio.sleep(0)
            assert not disconnected.done()
            await send({"type": "http.response.body", "body": part,
                        "more_body": True})
        await send({"type": "http.response.body", "body": b""})
        assert (await disconnected)["type"] == "http.disconnect"

    resp = asyncio.run(AsgiMiddleware(streamer).handle_async(make_request()))
    assert resp.get_body() == b"one two three"


def _app_function(app):
    fn = app.get_functions()[0]
    return fn.get_user_function()


def test_asgi_function_app_runs_startup_once_before_first_request():
    echo = EchoApp()
    app = AsgiFunctionApp(app=echo)
    user_function = _app_function(app)
    assert asyncio.iscoroutinefunction(user_function)

    async def scenario():
        first, second = await asyncio.gather(
            user_function(make_request(), context()),
            user_function(make_request(), context()))
        ok = await app.notify_shutdown()
        return first, second, ok

    first, second, ok = asyncio.run(scenario())
    assert first.status_code == second.status_code == 201
    assert json.loads(first.get_body())["state"] == "hi"
    assert echo.events == ["lifespan.startup", "lifespan.shutdown"]
    assert ok is True


def test_asgi_function_app_startup_failure_raises():
    app = AsgiFunctionApp(app=EchoApp(fail_startup=True))
    user_function = _app_function(app)
    with pytest.raises(RuntimeError, match='ASGI middleware startup failed'):
        asyncio.run(user_function(make_request(), context()))


# --- with the real frameworks (Debian packages) -----------------------------

def test_fastapi_round_trip():
    fastapi = importorskip_any("fastapi")
    responses = importorskip_any("fastapi.responses")

    api = fastapi.FastAPI()
    seen = []

    @api.on_event("startup")
    async def startup():
        seen.append("startup")

    @api.on_event("shutdown")
    async def shutdown():
        seen.append("shutdown")

    @api.get("/api/items/{item_id}")
    async def read_item(item_id: int, q: str = ""):
        return {"item_id": item_id, "q": q}

    @api.post("/api/echo")
    async def echo(request: fastapi.Request):
        body = await request.body()
        return responses.PlainTextResponse(
            "got " + body.decode(), status_code=202,
            headers={"X-Echo": request.headers.get("x-in", "")})

    @api.get("/api/stream")
    async def stream():
        async def gen():
            for i in range(3):
                yield f"chunk{i};"
        return responses.StreamingResponse(gen(), media_type="text/plain")

    app = AsgiFunctionApp(app=api, http_auth_level="ANONYMOUS")
    user_function = _app_function(app)

    async def scenario():
        r1 = await user_function(make_request(
            url="http://localhost:7071/api/items/42?q=hey"), context())
        r2 = await user_function(make_request(
            'POST', "http://localhost:7071/api/echo",
            headers={"x-in": "yes", "content-type": "text/plain"},
            body=b"abc"), context())
        r3 = await user_function(make_request(
            url="http://localhost:7071/api/nope"), context())
        r4 = await user_function(make_request(
            url="http://localhost:7071/api/stream"), context())
        await app.notify_shutdown()
        return r1, r2, r3, r4

    r1, r2, r3, r4 = asyncio.run(scenario())
    assert r1.status_code == 200
    assert json.loads(r1.get_body()) == {"item_id": 42, "q": "hey"}
    assert r1.mimetype == "application/json"
    assert r2.status_code == 202
    assert r2.get_body() == b"got abc"
    assert r2.headers["x-echo"] == "yes"
    assert r3.status_code == 404
    assert r4.get_body() == b"chunk0;chunk1;chunk2;"
    assert seen == ["startup", "shutdown"]


def test_starlette_lifespan_state():
    import contextlib

    Starlette = importorskip_any("starlette.applications").Starlette
    PlainTextResponse = importorskip_any(
        "starlette.responses").PlainTextResponse
    Route = importorskip_any("starlette.routing").Route

    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield {"name": "from-lifespan"}

    async def home(request):
        return PlainTextResponse(request.state.name)

    star = Starlette(routes=[Route("/api/home", home)], lifespan=lifespan)
    app = AsgiFunctionApp(app=star)
    user_function = _app_function(app)
    resp = asyncio.run(user_function(
        make_request(url="http://localhost:7071/api/home"), context()))
    assert resp.status_code == 200
    assert resp.get_body() == b"from-lifespan"


def test_shutdown_asgi_apps_on_the_serving_loop():
    from azure.functions.decorators.function_app import shutdown_asgi_apps
    echo = EchoApp()
    app = AsgiFunctionApp(app=echo)
    never_started = AsgiFunctionApp(app=EchoApp())
    user_function = _app_function(app)

    async def serve():
        await user_function(make_request(), context())
        await shutdown_asgi_apps()

    asyncio.run(serve())
    assert echo.events == ["lifespan.startup", "lifespan.shutdown"]
    assert never_started.startup_task_done is False
