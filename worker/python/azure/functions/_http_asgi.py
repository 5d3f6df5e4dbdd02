"""Run an ASGI application (FastAPI, Starlette, Quart, ...) inside an HTTP
function: ``func.HttpRequest`` -> ASGI ``http`` scope and messages, the
app's ``http.response.*`` messages -> ``func.HttpResponse``; plus the ASGI
lifespan protocol (``startup``/``shutdown``)."""
import asyncio
import concurrent.futures
import logging
import threading
import warnings
from typing import Any, Callable, Dict, List, Optional, Tuple
from urllib.parse import unquote, urlsplit

from . import _http_stream
from ._http_wsgi import WsgiRequest, _func_response

__all__ = ('AsgiMiddleware', 'AsgiRequest', 'AsgiResponse')

ASGI_VERSION = "3.0"
ASGI_SPEC_VERSION = "2.3"
_LIFESPAN_ENDED = "pyfn.lifespan.ended"


def _header_bytes(value: str) -> bytes:
    try:
        return value.encode('latin-1')
    except UnicodeEncodeError:
        return value.encode('utf-8')


class AsgiRequest(WsgiRequest):
    """The ASGI ``http`` scope of a ``func.HttpRequest``."""

    def __init__(self, func_req: Any, func_ctx: Any = None):
        self.asgi_version = ASGI_VERSION
        self.asgi_spec_version = ASGI_SPEC_VERSION
        self._headers = func_req.headers
        parts = urlsplit(func_req.url)
        self._raw_path = (parts.path or '/').encode('latin-1', 'replace')
        self._path = unquote(parts.path or '/')
        super().__init__(func_req, func_ctx)

    def _get_encoded_http_headers(self) -> List[Tuple[bytes, bytes]]:
        return [(str(k).lower().encode('latin-1'), _header_bytes(str(v)))
                for k, v in self._headers.items()]

    def _get_server_address(self) -> Optional[Tuple[str, int]]:
        if self.server_name is None:
            return None
        try:
            return (self.server_name, int(self.server_port))
        except (TypeError, ValueError):
            return (self.server_name, 80)

    def to_asgi_http_scope(self, state: Optional[Dict[str, Any]] = None) \
            -> Dict[str, Any]:
        scope: Dict[str, Any] = {
            "type": "http",
            "asgi": {"version": self.asgi_version,
                     "spec_version": self.asgi_spec_version},
            # the public package's (pre-3.0 style) keys, kept for apps that
            # read them
            "asgi.version": self.asgi_version,
            "asgi.spec_version": self.asgi_spec_version,
            "http_version": "1.1",
            "method": self.request_method,
            "scheme": self.wsgi_url_scheme,
            "path": self._path,
            "raw_path": self._raw_path,
            "query_string": self.query_string.encode('latin-1', 'replace'),
            "root_path": self.script_name,
            "headers": self._get_encoded_http_headers(),
            "server": self._get_server_address(),
            "client": (self.remote_addr, 0) if self.remote_addr else None,
            "azure_functions.function_directory": self.af_function_directory,
            "azure_functions.function_name": self.af_function_name,
            "azure_functions.invocation_id": self.af_invocation_id,
            "azure_functions.thread_local_storage":
                self.af_thread_local_storage,
            "azure_functions.trace_context": self.af_trace_context,
            "azure_functions.retry_context": self.af_retry_context,
        }
        if state is not None:
            scope["state"] = dict(state)
        return scope


class AsgiResponse:
    """Feeds the request body to the app and collects its answer."""

    def __init__(self) -> None:
        self._status_code = 0
        self._headers: List[Tuple[str, str]] = []
        self._buffer: List[bytes] = []
        self._request_body: Optional[bytes] = b""
        self._started = False
        self._complete: Optional[asyncio.Event] = None

    @classmethod
    async def from_app(cls, app: Callable[..., Any], scope: Dict[str, Any],
                       body: bytes) -> "AsgiResponse":
        res = cls()
        res._request_body = body
        res._complete = asyncio.Event()
        try:
            await app(scope, res._receive, res._send)
        finally:
            res._complete.set()
        if not res._started:
            raise RuntimeError('the ASGI application returned without '
                               'sending http.response.start')
        return res

    def to_func_response(self) -> Any:
        return _func_response(self._status_code, self._headers, self._buffer)

    def _handle_http_response_start(self, message: Dict[str, Any]) -> None:
        self._started = True
        self._status_code = int(message["status"])
        self._headers = [
            (bytes(k).decode('latin-1'), bytes(v).decode('latin-1'))
            for k, v in message.get("headers", [])]

    def _handle_http_response_body(self, message: Dict[str, Any]) -> None:
        body = message.get("body", b"")
        if body:
            self._buffer.append(bytes(body))
        if not message.get("more_body", False) and self._complete:
            self._complete.set()

    async def _receive(self) -> Dict[str, Any]:
        if self._request_body is not None:
            message = {"type": "http.request", "body": self._request_body,
                       "more_body": False}
            self._request_body = None
            return message
        # The "client" stays connected until the response is complete
        # (streaming responses listen for a disconnect meanwhile).
        if self._complete is not None:
            await self._complete.wait()
        return {"type": "http.disconnect"}

    async def _send(self, message: Dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "http.response.start":
            self._handle_http_response_start(message)
        elif kind == "http.response.body":
            self._handle_http_response_body(message)
        # http.response.trailers and others: nothing to do


class AsgiMiddleware:
    """Adapts an ASGI application to an HTTP function::

        app = func.AsgiFunctionApp(app=fastapi_app)                 # v2

        async def main(req, context):                                # v1
            return await func.AsgiMiddleware(fastapi_app).handle_async(
                req, context)

    ``scope["path"]`` is the whole URL path (``/api/...`` unless host.json
    sets ``extensions.http.routePrefix`` to ``""``).
    """

    _logger = logging.getLogger('azure.functions.AsgiMiddleware')
    _usage_reported = False

    def __init__(self, app: Callable[..., Any]):
        if not AsgiMiddleware._usage_reported:
            self._logger.debug('Instantiating Azure Functions ASGI '
                               'middleware.')
            AsgiMiddleware._usage_reported = True
        self._app = app
        self.main = self._handle
        self.state: Dict[str, Any] = {}
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._loop_lock = threading.Lock()
        self._lifespan_loop: Optional[asyncio.AbstractEventLoop] = None
        self._lifespan_task: Optional['asyncio.Task[None]'] = None
        self._lifespan_receive_queue: Optional[asyncio.Queue] = None
        self._lifespan_send_queue: Optional[asyncio.Queue] = None
        self._lifespan_supported: Optional[bool] = None
        self.lifespan_startup_failed = False
        self.lifespan_shutdown_failed = False

    # -- requests -----------------------------------------------------
    def handle(self, req: Any, context: Any = None) -> Any:
        """Deprecated (as in the public package): prefer
        ``await handle_async(req, context)``.  Runs the app to completion
        on a private event loop."""
        warnings.warn("handle() is deprecated. Please use handle_async() "
                      "instead.", DeprecationWarning, stacklevel=2)
        return self._handle(req, context)

    def _handle(self, req: Any, context: Any = None) -> Any:
        coro = self._handle_async(req, context)
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            pass
        else:
            # Called from inside a running loop: run on another thread.
            with concurrent.futures.ThreadPoolExecutor(1) as pool:
                return pool.submit(asyncio.run, coro).result()
        with self._loop_lock:
            if self._loop is None or self._loop.is_closed():
                self._loop = asyncio.new_event_loop()
            loop = self._loop
            return loop.run_until_complete(coro)

    async def handle_async(self, req: Any, context: Any = None) -> Any:
        """Call the ASGI app with ``req`` and return its answer as a
        ``func.HttpResponse``."""
        return await self._handle_async(req, context)

    async def _handle_async(self, req: Any, context: Any = None) -> Any:
        state = self.state if self._lifespan_supported else None
        scope = AsgiRequest(req, context).to_asgi_http_scope(state)
        exchange = _http_stream.live_exchange.get()
        if exchange is not None and not exchange.used:
            # pyfn's streaming endpoint: the app reads and writes the
            # connection itself; the response has gone out when this returns.
            exchange.used = True
            live = dict(exchange.scope)
            for key, value in scope.items():
                if key.startswith('azure_functions.') or key == 'state':
                    live[key] = value
            await self._app(live, exchange.receive, exchange.send)
            return None
        response = await AsgiResponse.from_app(self._app, scope,
                                               req.get_body() or b"")
        return response.to_func_response()

    # -- lifespan -----------------------------------------------------
    async def _lifespan_receive(self) -> Dict[str, Any]:
        if self._lifespan_receive_queue is None:
            raise RuntimeError("notify_startup() must be called first.")
        return await self._lifespan_receive_queue.get()

    async def _lifespan_send(self, message: Dict[str, Any]) -> None:
        if self._lifespan_send_queue is None:
            raise RuntimeError("notify_startup() must be called first.")
        await self._lifespan_send_queue.put(message)

    async def _lifespan_main(self) -> None:
        scope = {"type": "lifespan",
                 "asgi": {"version": ASGI_VERSION, "spec_version": "2.0"},
                 "state": self.state}
        try:
            await self._app(scope, self._lifespan_receive,
                            self._lifespan_send)
        except Exception as exc:  # app without lifespan support, or a bug
            self._logger.debug('ASGI lifespan ended with %r', exc)
        finally:
            assert self._lifespan_send_queue is not None
            await self._lifespan_send_queue.put({"type": _LIFESPAN_ENDED})

    async def notify_startup(self) -> bool:
        """Send ``lifespan.startup`` and wait for the app's answer.  Returns
        False if the app answered ``lifespan.startup.failed``; an app that
        does not support lifespan (returns or raises) counts as started."""
        self._lifespan_loop = asyncio.get_running_loop()
        self._lifespan_receive_queue = asyncio.Queue()
        self._lifespan_send_queue = asyncio.Queue()
        await self._lifespan_receive_queue.put({"type": "lifespan.startup"})
        self._lifespan_task = self._lifespan_loop.create_task(
            self._lifespan_main())
        message = await self._lifespan_send_queue.get()
        kind = message.get("type")
        if kind == "lifespan.startup.complete":
            self._lifespan_supported = True
            return True
        if kind == "lifespan.startup.failed":
            self._lifespan_supported = True
            self.lifespan_startup_failed = True
            self._logger.error('ASGI lifespan startup failed: %s',
                               message.get("message", ""))
            return False
        self._lifespan_supported = False
        self._logger.debug('The ASGI app does not support lifespan.')
        return True

    async def notify_shutdown(self, timeout: Optional[float] = 30.0) -> bool:
        """Send ``lifespan.shutdown`` and wait for the app's answer."""
        task = self._lifespan_task
        if not self._lifespan_supported or task is None or task.done():
            return True
        assert self._lifespan_receive_queue is not None
        assert self._lifespan_send_queue is not None
        await self._lifespan_receive_queue.put({"type": "lifespan.shutdown"})
        try:
            message = await asyncio.wait_for(
                self._lifespan_send_queue.get(), timeout)
        except asyncio.TimeoutError:
            self._logger.error('ASGI lifespan shutdown timed out')
            task.cancel()
            return False
        ok = message.get("type") != "lifespan.shutdown.failed"
        if not ok:
            self.lifespan_shutdown_failed = True
            self._logger.error('ASGI lifespan shutdown failed: %s',
                               message.get("message", ""))
        try:
            await asyncio.wait_for(asyncio.shield(task), 5)
        except (asyncio.TimeoutError, Exception):  # pragma: no cover
            task.cancel()
        return ok
