"""A small HTTP/1.1 server on asyncio that runs one ASGI callable.

The worker's streaming endpoint (http_streaming.py) is built on it: pyfn-host
forwards the raw requests of HTTP functions here (the `HttpUri` capability).
It is written for that peer, a proxy on the loopback, but checks what it reads
like any server would:

- request line `METHOD SP origin-form SP HTTP/1.x`, header fields `name: value`
  (token names, no space before the colon, no obsolete line folding), at most
  MAX_HEAD_BYTES of head and MAX_HEADER_FIELDS fields;
- bodies with Content-Length or `Transfer-Encoding: chunked` (not both; no
  other transfer coding); chunk extensions and trailers are read and dropped.
A request that breaks these rules gets `400 Bad Request` (431 for a head that
is too large) with a plain-text sentence saying what is wrong, and the
connection closes.

Request bodies are handed to the app piece by piece as they arrive (ASGI
`http.request` messages with `more_body`); nothing is buffered whole. The
response is written as the app sends it: with the app's Content-Length when it
gives one, as one piece with a Content-Length when the app sends its whole
body at once, else chunked; every `http.response.body` is written and drained
before `send` returns (back-pressure, and SSE events leave at once).
Keep-alive: a connection serves further requests when the previous request's
body was read to its end and its response was complete.
"""

import asyncio
import logging
import re
from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple

logger = logging.getLogger('pyfn_worker.http')

MAX_HEAD_BYTES = 64 * 1024
MAX_HEADER_FIELDS = 200
READ_PIECE = 64 * 1024

_TOKEN = re.compile(rb"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
_REASONS = {200: 'OK', 204: 'No Content', 400: 'Bad Request',
            404: 'Not Found', 431: 'Request Header Fields Too Large',
            500: 'Internal Server Error'}

Asgi = Callable[[dict, Callable[[], Awaitable[dict]],
                 Callable[[dict], Awaitable[None]]], Awaitable[None]]


class BadRequest(Exception):
    """What is wrong with a request, as the 400 answer's text says it."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class RequestHead:
    __slots__ = ('method', 'target', 'version', 'headers')

    def __init__(self, method: str, target: str, version: str,
                 headers: List[Tuple[bytes, bytes]]) -> None:
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers  # (lower-case name, value), arrival order

    def get(self, name: bytes) -> Optional[bytes]:
        for k, v in self.headers:
            if k == name:
                return v
        return None


def parse_head(data: bytes) -> RequestHead:
    """Parses a request head (request line + header fields, without the empty
    line ending it). Raises BadRequest."""
    lines = data.split(b'\r\n')
    parts = lines[0].split(b' ')
    if len(parts) != 3:
        raise BadRequest('the request line is not "METHOD TARGET HTTP/1.1"')
    method, target, version = parts
    if not _TOKEN.match(method):
        raise BadRequest('the method is not a token')
    if version not in (b'HTTP/1.1', b'HTTP/1.0'):
        raise BadRequest('the HTTP version is not HTTP/1.1 or HTTP/1.0')
    if not target.startswith(b'/'):
        raise BadRequest('the request target is not an absolute path')
    if any(c <= 0x20 or c == 0x7f for c in target):
        raise BadRequest('the request target contains a space or a control '
                         'character')
    headers: List[Tuple[bytes, bytes]] = []
    for line in lines[1:]:
        if not line:
            continue
        if line[:1] in (b' ', b'\t'):
            raise BadRequest('obsolete line folding in the header')
        name, sep, value = line.partition(b':')
        if not sep:
            raise BadRequest(f'header line without a colon: {_show(line)}')
        if not _TOKEN.match(name):
            raise BadRequest(f'bad header name: {_show(name)}')
        value = value.strip(b' \t')
        if any((c < 0x20 and c != 0x09) or c == 0x7f for c in value):
            raise BadRequest(f'control character in header {_show(name)}')
        headers.append((name.lower(), value))
        if len(headers) > MAX_HEADER_FIELDS:
            raise BadRequest(f'more than {MAX_HEADER_FIELDS} header fields', 431)
    return RequestHead(method.decode('ascii'), target.decode('latin-1'),
                       version.decode('ascii'), headers)


def body_framing(head: RequestHead) -> Tuple[str, int]:
    """('length', n), ('chunked', 0) or ('none', 0). Raises BadRequest."""
    te = [v for k, v in head.headers if k == b'transfer-encoding']
    cl = [v for k, v in head.headers if k == b'content-length']
    if te:
        if cl:
            raise BadRequest('both Transfer-Encoding and Content-Length')
        codings = [c.strip().lower() for v in te for c in v.split(b',')]
        if codings != [b'chunked']:
            raise BadRequest('unsupported Transfer-Encoding '
                             f'{_show(b", ".join(codings))} (only chunked)')
        return 'chunked', 0
    if cl:
        values = {c.strip() for v in cl for c in v.split(b',')}
        if len(values) != 1:
            raise BadRequest('conflicting Content-Length values')
        v = values.pop()
        if not v.isdigit() or len(v) > 18:
            raise BadRequest(f'bad Content-Length {_show(v)}')
        n = int(v)
        return ('length', n) if n else ('none', 0)
    return 'none', 0


def _show(b: bytes) -> str:
    return repr(b[:60].decode('latin-1'))


class BodyReader:
    """Reads one request body off the connection, piece by piece."""

    def __init__(self, reader: asyncio.StreamReader, framing: str,
                 length: int) -> None:
        self._r = reader
        self._framing = framing
        self._left = length  # length: bytes left; chunked: of this chunk
        self.done = framing == 'none'

    async def read(self) -> bytes:
        """The next piece (b'' once the body is over). Raises BadRequest, or
        ConnectionError when the peer goes away mid-body."""
        if self.done:
            return b''
        if self._framing == 'length':
            data = await self._r.read(min(self._left, READ_PIECE))
            if not data:
                raise ConnectionError('the connection closed mid-body')
            self._left -= len(data)
            if self._left == 0:
                self.done = True
            return data
        while True:
            if self._left == 0:
                line = await self._line()
                size = line.split(b';', 1)[0].strip()
                try:
                    if not size or len(size) > 16:
                        raise ValueError
                    self._left = int(size, 16)
                except ValueError:
                    raise BadRequest(f'bad chunk size {_show(size)}') from None
                if self._left == 0:
                    while await self._line():  # trailer fields, dropped
                        pass
                    self.done = True
                    return b''
            data = await self._r.read(min(self._left, READ_PIECE))
            if not data:
                raise ConnectionError('the connection closed mid-body')
            self._left -= len(data)
            if self._left == 0 and await self._line() != b'':
                raise BadRequest('chunk data not followed by CRLF')
            return data

    async def _line(self) -> bytes:
        try:
            line = await self._r.readuntil(b'\r\n')
        except asyncio.LimitOverrunError:
            raise BadRequest('chunk line too long') from None
        except asyncio.IncompleteReadError:
            raise ConnectionError('the connection closed mid-body') from None
        return line[:-2]


class _Response:
    """Writes one ASGI response onto the connection."""

    def __init__(self, writer: asyncio.StreamWriter, head_only: bool,
                 http10: bool) -> None:
        self._w = writer
        self._head_only = head_only
        self._http10 = http10
        self.status = 0
        self._headers: List[Tuple[bytes, bytes]] = []
        self.started = False   # http.response.start received
        self.head_sent = False
        self.complete = False
        self._chunked = False
        self.close = http10

    async def send(self, message: dict) -> None:
        kind = message.get('type')
        if kind == 'http.response.start':
            if self.started:
                raise RuntimeError('http.response.start sent twice')
            self.started = True
            self.status = int(message.get('status', 200))
            self._headers = [(bytes(k).lower(), bytes(v))
                             for k, v in message.get('headers') or ()]
            return
        if kind != 'http.response.body':
            return
        if not self.started:
            raise RuntimeError('http.response.body before http.response.start')
        if self.complete:
            return
        body = bytes(message.get('body') or b'')
        more = bool(message.get('more_body', False))
        if not self.head_sent:
            await self._write_head(None if more else len(body))
        if body and not self._head_only:
            if self._chunked:
                self._w.write(b'%x\r\n' % len(body) + body + b'\r\n')
            else:
                self._w.write(body)
        if not more:
            self.complete = True
            if self._chunked and not self._head_only:
                self._w.write(b'0\r\n\r\n')
        await self._w.drain()

    async def _write_head(self, whole_length: Optional[int]) -> None:
        self.head_sent = True
        names = {k for k, _ in self._headers}
        lines = [b'HTTP/1.1 %d %s' % (self.status, _REASONS.get(
            self.status, 'Status').encode())]
        for k, v in self._headers:
            if k in (b'connection', b'transfer-encoding', b'keep-alive'):
                continue
            lines.append(k + b': ' + v)
        no_body = self.status in (204, 304) or 100 <= self.status < 200
        if not no_body and b'content-length' not in names:
            if whole_length is not None:
                lines.append(b'content-length: %d' % whole_length)
            elif self._http10:
                self.close = True
            else:
                self._chunked = True
                lines.append(b'transfer-encoding: chunked')
        if self.close:
            lines.append(b'connection: close')
        self._w.write(b'\r\n'.join(lines) + b'\r\n\r\n')


def error_bytes(status: int, text: str) -> bytes:
    body = text.encode('utf-8') + b'\n'
    return (b'HTTP/1.1 %d %s\r\ncontent-type: text/plain; charset=utf-8\r\n'
            b'content-length: %d\r\nconnection: close\r\n\r\n' % (
                status, _REASONS.get(status, 'Error').encode(), len(body))) + body


async def serve_connection(app: Asgi, reader: asyncio.StreamReader,
                           writer: asyncio.StreamWriter) -> None:
    """Serves the requests of one connection with `app`, then closes it."""
    peer = writer.get_extra_info('peername')
    sock = writer.get_extra_info('sockname')
    try:
        while True:
            try:
                data = await reader.readuntil(b'\r\n\r\n')
            except asyncio.IncompleteReadError as e:
                if e.partial.strip():
                    writer.write(error_bytes(400, 'Bad Request: the request '
                                             'head is incomplete'))
                return
            except asyncio.LimitOverrunError:
                writer.write(error_bytes(431, 'Request Header Fields Too '
                                         f'Large: more than {MAX_HEAD_BYTES} '
                                         'bytes of head'))
                return
            try:
                head = parse_head(data[:-4].lstrip(b'\r\n'))
                framing, length = body_framing(head)
            except BadRequest as e:
                writer.write(error_bytes(e.status, f'Bad Request: {e}'))
                return
            if not await _serve_one(app, head, framing, length, reader,
                                    writer, peer, sock):
                return
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        try:
            await writer.drain()
        except Exception:
            pass
        writer.close()


async def _serve_one(app, head: RequestHead, framing: str, length: int,
                     reader, writer, peer, sock) -> bool:
    """One request; True when the connection may serve another."""
    body = BodyReader(reader, framing, length)
    resp = _Response(writer, head.method == 'HEAD', head.version == 'HTTP/1.0')
    if (head.get(b'connection') or b'').lower() == b'close':
        resp.close = True
    path, _, query = head.target.partition('?')
    from urllib.parse import unquote
    scope: Dict[str, Any] = {
        'type': 'http',
        'asgi': {'version': '3.0', 'spec_version': '2.3'},
        'http_version': head.version[5:],
        'method': head.method,
        'scheme': 'http',
        'path': unquote(path, encoding='utf-8', errors='surrogateescape'),
        'raw_path': path.encode('latin-1'),
        'query_string': query.encode('latin-1'),
        'root_path': '',
        'headers': head.headers,
        'server': tuple(sock[:2]) if isinstance(sock, tuple) else None,
        'client': tuple(peer[:2]) if isinstance(peer, tuple) else None,
    }
    bad: List[BadRequest] = []
    disconnected = asyncio.Event()

    ended = [False]  # the last http.request message was given

    async def receive() -> dict:
        if body.done:
            if not ended[0]:
                ended[0] = True
                return {'type': 'http.request', 'body': b'',
                        'more_body': False}
            # After the body: wait until the response is over or the
            # connection is lost (Starlette listens for this).
            await disconnected.wait()
            return {'type': 'http.disconnect'}
        try:
            data = await body.read()
        except BadRequest as e:
            bad.append(e)
            disconnected.set()
            return {'type': 'http.disconnect'}
        except ConnectionError:
            disconnected.set()
            return {'type': 'http.disconnect'}
        if body.done:
            ended[0] = True
        return {'type': 'http.request', 'body': data, 'more_body': not body.done}

    try:
        await app(scope, receive, resp.send)
    except (ConnectionError, asyncio.CancelledError):
        return False
    except Exception:
        if bad and not resp.head_sent:
            writer.write(error_bytes(400, f'Bad Request: {bad[0]}'))
            return False
        logger.exception('the streaming endpoint\'s app failed on %s %s',
                         head.method, path)
        if not resp.head_sent:
            writer.write(error_bytes(500, 'Internal Server Error'))
            return False
    if bad and not resp.head_sent:
        writer.write(error_bytes(400, f'Bad Request: {bad[0]}'))
        return False
    if not resp.started:
        writer.write(error_bytes(500, 'Internal Server Error: the app sent '
                                 'no response'))
        return False
    if not resp.complete:
        # The app returned without ending its body: end it.
        await resp.send({'type': 'http.response.body', 'body': b'',
                         'more_body': False})
    disconnected.set()
    return body.done and not resp.close and not bad


async def start(app: Asgi, host: str = '127.0.0.1', port: int = 0):
    """Listens on host:port (0: any free port) and serves `app`; returns the
    asyncio Server (its sockets tell the port)."""
    async def on_connection(reader, writer):
        await serve_connection(app, reader, writer)
    return await asyncio.start_server(on_connection, host, port,
                                      limit=MAX_HEAD_BYTES)
