"""Streaming HTTP: the worker's endpoint for the host's proxied requests.

Azure's protocol (docs/behaviour.md, "Streaming HTTP"): a worker that
answers WorkerInitRequest with the capabilities `HttpUri` (the URL of an HTTP
endpoint of its own) and `RequiresRouteParameters` gets the HTTP functions'
requests as they arrive: the host forwards each raw request to that URL, adds
the header `x-ms-invocation-id`, and relays the raw response back to its
client. The InvocationRequest still comes over gRPC, its `RpcHttp` carrying
only the route parameters; the InvocationResponse carries no `$return`.

pyfn's worker offers the endpoint when the app needs it (`needs_streaming`):
an `AsgiFunctionApp`, a function whose trigger parameter or return annotation
is a Starlette/FastAPI type (the `azurefunctions.extensions.http.fastapi`
model), or an app that imported that module. Then every HTTP function of the
app goes through it, as on Azure, and each runs in one of three ways (`kind`):

- 'asgi': an AsgiFunctionApp; the ASGI app reads the body and writes the
  response itself, piece by piece (AsgiMiddleware sees the live exchange);
- 'typed': a Starlette `Request` argument; the returned Starlette `Response`
  is sent with the live receive/send (StreamingResponse streams); other
  return values become a JSONResponse, as FastAPI answers them;
- 'classic': `func.HttpRequest` functions: the body is read whole, and the
  usual `func.HttpResponse` (or str) is written back.
PYFN_HTTP_STREAMING=0 turns it off (every HTTP function uses RpcHttp).
"""

import asyncio
import logging
from typing import Dict, Optional

from . import http_server

logger = logging.getLogger('pyfn_worker')

from .http_streaming_plan import kind_of

INVOCATION_HEADER = b'x-ms-invocation-id'
REQUEST_WAIT_SECONDS = 60.0


class Exchange:
    """One proxied request: its ASGI scope, receive and send, and a future
    the endpoint waits on until the invocation has answered."""

    def __init__(self, scope: dict, receive, send) -> None:
        self.scope = scope
        self.receive = receive
        self._send = send
        self.used = False       # an ASGI app or a Response took it over
        self.finished = asyncio.get_running_loop().create_future()
        self._started = False

    def header(self, name: bytes) -> str:
        for k, v in self.scope['headers']:
            if k == name:
                return v.decode('latin-1')
        return ''

    async def send(self, message: dict) -> None:
        """ASGI send (records that the response has started)."""
        if message.get('type') == 'http.response.start':
            self._started = True
        await self._send(message)

    @property
    def answered(self) -> bool:
        return self._started

    async def read_all(self) -> bytes:
        parts = []
        while True:
            m = await self.receive()
            if m.get('type') != 'http.request':
                break
            parts.append(m.get('body') or b'')
            if not m.get('more_body'):
                break
        return b''.join(parts)

    async def write_whole(self, status: int, headers, body: bytes) -> None:
        await self.send({'type': 'http.response.start',
                                 'status': status, 'headers': headers})
        await self.send({'type': 'http.response.body', 'body': body,
                                 'more_body': False})


class Endpoint:
    """The loopback HTTP endpoint and the meeting point of each proxied
    request with its invocation (by the x-ms-invocation-id header)."""

    def __init__(self) -> None:
        self._waiting: Dict[str, asyncio.Future] = {}
        self.server = None
        self.uri = ''

    async def start(self) -> str:
        self.server = await http_server.start(self._app, '127.0.0.1', 0)
        port = self.server.sockets[0].getsockname()[1]
        self.uri = f'http://127.0.0.1:{port}/'
        logger.info('streaming HTTP endpoint on %s', self.uri)
        return self.uri

    def _slot(self, inv: str) -> asyncio.Future:
        fut = self._waiting.get(inv)
        if fut is None:
            fut = self._waiting[inv] = \
                asyncio.get_running_loop().create_future()
        return fut

    async def _app(self, scope, receive, send) -> None:
        inv = ''
        for k, v in scope['headers']:
            if k == INVOCATION_HEADER:
                inv = v.decode('latin-1')
        if not inv:
            body = b'Bad Request: no x-ms-invocation-id header (this ' \
                b'endpoint serves requests forwarded by pyfn-host)\n'
            await send({'type': 'http.response.start', 'status': 400,
                        'headers': [(b'content-type',
                                     b'text/plain; charset=utf-8')]})
            await send({'type': 'http.response.body', 'body': body})
            return
        ex = Exchange(scope, receive, send)
        fut = self._slot(inv)
        if fut.done():  # a second request for the same invocation
            await ex.write_whole(409, [], b'')
            return
        fut.set_result(ex)
        try:
            await ex.finished
        finally:
            self._waiting.pop(inv, None)

    async def take(self, inv: str) -> Exchange:
        """The request of invocation `inv` (waits for it to arrive)."""
        fut = self._slot(inv)
        try:
            return await asyncio.wait_for(asyncio.shield(fut),
                                          REQUEST_WAIT_SECONDS)
        except asyncio.TimeoutError:
            self._waiting.pop(inv, None)
            raise RuntimeError('the host did not forward the HTTP request '
                               f'of invocation {inv} within '
                               f'{REQUEST_WAIT_SECONDS:.0f}s') from None


def rpc_http_of(ex: Exchange, params: dict, body: bytes) -> dict:
    """The RpcHttp dict a classic function's binding decodes, built from the
    raw request (url from the Host header, as the host builds it)."""
    from urllib.parse import parse_qsl
    scope = ex.scope
    headers: Dict[str, str] = {}
    for k, v in scope['headers']:
        name = k.decode('latin-1')
        if name == INVOCATION_HEADER.decode():
            continue
        value = v.decode('utf-8', 'replace')
        headers[name] = headers[name] + ', ' + value if name in headers \
            else value
    target = scope['raw_path'].decode('latin-1')
    if scope['query_string']:
        target += '?' + scope['query_string'].decode('latin-1')
    query: Dict[str, str] = {}
    for k, v in parse_qsl(scope['query_string'].decode('latin-1'),
                          keep_blank_values=True):
        query[k] = query[k] + ',' + v if k in query else v
    return {'method': scope['method'],
            'url': 'http://' + headers.get('host', 'localhost') + target,
            'headers': headers, 'query': query, 'params': dict(params),
            'body': {'bytes': body}}


def _typed_response(result):
    """A Starlette Response for what a 'typed' function returned."""
    from starlette.responses import JSONResponse, Response
    if isinstance(result, Response):
        return result
    try:
        from fastapi.encoders import jsonable_encoder
        result = jsonable_encoder(result)
    except ImportError:
        if hasattr(result, 'model_dump'):
            result = result.model_dump()
    return JSONResponse(result)


async def write_typed_data(ex: Exchange, td: Optional[dict]) -> None:
    """Writes a classic function's $return (an RpcHttp or string TypedData)."""
    if not td:
        await ex.write_whole(204, [], b'')
        return
    if 'string' in td:
        await ex.write_whole(200, [(b'content-type',
                                    b'text/plain; charset=utf-8')],
                             td['string'].encode('utf-8'))
        return
    http = td.get('http') or {}
    status = int(http.get('status_code') or 200)
    headers = [(str(k).lower().encode('latin-1'),
                str(v).encode('utf-8')) for k, v in
               (http.get('headers') or {}).items()]
    for c in http.get('cookies') or ():
        if isinstance(c, dict) and c.get('name'):
            headers.append((b'set-cookie', f"{c['name']}={c.get('value', '')}"
                            .encode('utf-8')))
    body = http.get('body') or {}
    data = b''
    if body:
        kind, v = next(iter(body.items()))
        if isinstance(v, str):
            data = v.encode('utf-8')
        elif v is not None:
            data = bytes(v) if not isinstance(v, (int, float)) \
                else str(v).encode()
    await ex.write_whole(status, headers, data)


class Streaming:
    """What the dispatcher keeps: the endpoint and each function's kind."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        self.kinds: Dict[str, str] = {}  # function_id -> kind

    def note_loaded(self, fi, fn=None) -> None:
        k = kind_of(fi, fn)
        if k is not None:
            self.kinds[fi.function_id] = k

    async def invoke(self, dispatcher, fi, req: dict) -> dict:
        """Runs an HTTP invocation over its proxied request; the
        InvocationResponse has no $return (the response went out raw)."""
        from azure.functions import _http_stream
        inv = req.get('invocation_id', '')
        kind = self.kinds[fi.function_id]
        try:
            ex = await self.endpoint.take(inv)
        except RuntimeError as e:
            return {'invocation_id': inv,
                    'result': {'status': 0, 'exception': {'message': str(e)}}}
        trigger = next(n for n, b in fi.input_params.items()
                       if b.type.lower() == 'httptrigger')
        data = req.get('input_data') or []
        params = {}
        for b in data:
            if b.get('name') == trigger:
                params = ((b.get('data') or {}).get('http') or {}).get(
                    'params') or {}
        try:
            body = b'' if kind != 'classic' else await ex.read_all()
            rpc = rpc_http_of(ex, params, body)
            new_req = dict(req)
            new_req['input_data'] = [
                b if b.get('name') != trigger else
                {'name': trigger, 'data': {'http': rpc}} for b in data] or \
                [{'name': trigger, 'data': {'http': rpc}}]
            if kind == 'typed':
                response = await self._invoke_typed(dispatcher, fi, new_req,
                                                    ex, trigger, params)
            else:
                token = _http_stream.live_exchange.set(ex)
                try:
                    response = await dispatcher.invoke_plain(new_req)
                finally:
                    _http_stream.live_exchange.reset(token)
                if not ex.answered:
                    ok = (response.get('result') or {}).get('status') == 1
                    if ok:
                        await write_typed_data(ex, response.get('return_value'))
                    else:
                        await ex.write_whole(500, [], b'')
            response.pop('return_value', None)
            return response
        except Exception as e:
            from .dispatcher import failure
            if not ex.answered:
                try:
                    await ex.write_whole(500, [], b'')
                except Exception:
                    pass
            return {'invocation_id': inv, 'result': failure(e)}
        finally:
            if not ex.finished.done():
                ex.finished.set_result(None)

    async def _invoke_typed(self, dispatcher, fi, req, ex, trigger, params):
        from starlette.requests import Request
        scope = dict(ex.scope)
        scope['path_params'] = dict(params)
        request = Request(scope, ex.receive)
        result_box = []

        async def call(args):
            args[trigger] = request
            if fi.is_async:
                result = await fi.func(**args)
            else:
                import contextvars
                ctx = contextvars.copy_context()
                result = await asyncio.get_running_loop().run_in_executor(
                    dispatcher.pool, ctx.run, lambda: fi.func(**args))
            result_box.append(result)
            return None

        response = await dispatcher.invoke_plain(req, call=call)
        if (response.get('result') or {}).get('status') == 1 and result_box:
            resp = _typed_response(result_box[0])
            ex.used = True
            await resp(ex.scope, ex.receive, ex.send)
        elif not ex.answered:
            await ex.write_whole(500, [], b'')
        return response
