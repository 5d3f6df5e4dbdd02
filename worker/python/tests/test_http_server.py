"""The worker's streaming HTTP endpoint (pyfn_worker/http_server.py and
http_streaming.py): HTTP/1.1 parsing over a real loopback socket, bad
requests answered 400 with a sentence, bodies handed over piece by piece,
responses written as the app sends them, and the meeting of a forwarded
request with its invocation by x-ms-invocation-id."""
import asyncio
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))

from pyfn_worker import http_server, http_streaming  # noqa: E402


async def echo_app(scope, receive, send):
    """Answers the method, path, query and body length; pieces counted."""
    size = pieces = 0
    while True:
        m = await receive()
        assert m['type'] == 'http.request'
        size += len(m['body'])
        pieces += 1
        if not m['more_body']:
            break
    body = (f"{scope['method']} {scope['path']} {scope['query_string'].decode()}"
            f" {size}").encode()
    await send({'type': 'http.response.start', 'status': 200,
                'headers': [(b'content-type', b'text/plain')]})
    await send({'type': 'http.response.body', 'body': body})


async def exchange(app, raw: bytes, *, close=True) -> bytes:
    server = await http_server.start(app)
    port = server.sockets[0].getsockname()[1]
    try:
        reader, writer = await asyncio.open_connection('127.0.0.1', port)
        writer.write(raw)
        await writer.drain()
        if close:
            writer.write_eof()
        data = await asyncio.wait_for(reader.read(), 10)
        writer.close()
        return data
    finally:
        server.close()
        await server.wait_closed()


def run(coro):
    return asyncio.run(coro)


def status_of(data: bytes) -> int:
    return int(data.split(b' ', 2)[1])


def body_of(data: bytes) -> bytes:
    return data.split(b'\r\n\r\n', 1)[1]


def test_get_is_answered_with_content_length():
    data = run(exchange(echo_app, b'GET /a/b?x=1 HTTP/1.1\r\nHost: h\r\n\r\n'))
    assert status_of(data) == 200
    assert b'content-length: 14\r\n' in data.lower()
    assert body_of(data) == b'GET /a/b x=1 0'


def test_content_length_body():
    data = run(exchange(echo_app, b'POST /p HTTP/1.1\r\nContent-Length: 5\r\n'
                        b'\r\nhello'))
    assert body_of(data) == b'POST /p  5'


def test_chunked_body_with_extension_and_trailer():
    raw = (b'POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n'
           b'3;ext=1\r\nabc\r\n4\r\ndefg\r\n0\r\nX-Trailer: t\r\n\r\n')
    data = run(exchange(echo_app, raw))
    assert status_of(data) == 200
    assert body_of(data) == b'POST /c  7'


def test_keep_alive_serves_two_requests_on_one_connection():
    raw = (b'GET /one HTTP/1.1\r\n\r\n'
           b'GET /two HTTP/1.1\r\nConnection: close\r\n\r\n')
    data = run(exchange(echo_app, raw))
    assert data.count(b'HTTP/1.1 200') == 2
    assert b'GET /one' in data and b'GET /two' in data


@pytest.mark.parametrize('raw,why', [
    (b'GARBAGE\r\n\r\n', 'request line'),
    (b'GET /x HTTP/2.0\r\n\r\n', 'HTTP version'),
    (b'GET x HTTP/1.1\r\n\r\n', 'absolute path'),
    (b'GET /x HTTP/1.1\r\nNo colon here\r\n\r\n', 'without a colon'),
    (b'GET /x HTTP/1.1\r\nBad Name: v\r\n\r\n', 'bad header name'),
    (b'GET /x HTTP/1.1\r\nA: b\r\n folded\r\n\r\n', 'folding'),
    (b'POST /x HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked'
     b'\r\n\r\n', 'both Transfer-Encoding and Content-Length'),
    (b'POST /x HTTP/1.1\r\nContent-Length: -1\r\n\r\n', 'Content-Length'),
    (b'POST /x HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab',
     'conflicting'),
    (b'POST /x HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n', 'unsupported'),
    (b'POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
     'chunk size'),
])
def test_bad_requests_get_400_with_the_reason(raw, why):
    data = run(exchange(echo_app, raw))
    assert status_of(data) == 400, data
    assert why.encode() in body_of(data)
    assert b'connection: close' in data.lower()


def test_incomplete_head_is_400():
    data = run(exchange(echo_app, b'GET /x HTTP/1.1\r\nHost: h\r\n'))
    assert status_of(data) == 400


def test_too_large_head_is_431():
    raw = b'GET /x HTTP/1.1\r\nX: ' + b'a' * (http_server.MAX_HEAD_BYTES + 10) \
        + b'\r\n\r\n'
    data = run(exchange(echo_app, raw))
    assert status_of(data) == 431


def test_streamed_response_is_chunked_and_each_piece_leaves_when_sent():
    seen = []

    async def app(scope, receive, send):
        await send({'type': 'http.response.start', 'status': 200,
                    'headers': []})
        for piece in (b'one', b'two'):
            await send({'type': 'http.response.body', 'body': piece,
                        'more_body': True})
            await asyncio.sleep(0.2)
        await send({'type': 'http.response.body', 'body': b''})

    async def client():
        server = await http_server.start(app)
        port = server.sockets[0].getsockname()[1]
        reader, writer = await asyncio.open_connection('127.0.0.1', port)
        writer.write(b'GET / HTTP/1.1\r\nConnection: close\r\n\r\n')
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        buf = b''
        while b'one' not in buf:
            buf += await reader.read(100)
        seen.append(loop.time() - t0)
        buf += await reader.read()
        server.close()
        return buf

    data = run(client())
    assert b'transfer-encoding: chunked' in data.lower()
    assert body_of(data) == b'3\r\none\r\n3\r\ntwo\r\n0\r\n\r\n'
    assert seen[0] < 0.2  # the first piece came before the app's pause ended


def test_request_body_reaches_the_app_in_pieces():
    pieces = []

    async def app(scope, receive, send):
        while True:
            m = await receive()
            pieces.append(m['body'])
            if not m['more_body']:
                break
        await send({'type': 'http.response.start', 'status': 204,
                    'headers': []})
        await send({'type': 'http.response.body', 'body': b''})

    size = 3 * http_server.READ_PIECE
    raw = b'POST / HTTP/1.1\r\nContent-Length: %d\r\n\r\n' % size + \
        b'x' * size
    data = run(exchange(app, raw))
    assert status_of(data) == 204
    assert sum(len(p) for p in pieces) == size
    assert len(pieces) >= 3
    assert max(len(p) for p in pieces) <= http_server.READ_PIECE


def test_app_failure_before_the_head_is_500():
    async def app(scope, receive, send):
        raise RuntimeError('boom')
    data = run(exchange(app, b'GET / HTTP/1.1\r\n\r\n'))
    assert status_of(data) == 500


def test_endpoint_without_invocation_header_is_400():
    async def go():
        ep = http_streaming.Endpoint()
        await ep.start()
        port = ep.server.sockets[0].getsockname()[1]
        reader, writer = await asyncio.open_connection('127.0.0.1', port)
        writer.write(b'GET / HTTP/1.1\r\nConnection: close\r\n\r\n')
        data = await reader.read()
        ep.server.close()
        return data
    data = run(go())
    assert status_of(data) == 400
    assert b'x-ms-invocation-id' in body_of(data)


def test_endpoint_hands_the_request_to_its_invocation():
    async def go():
        ep = http_streaming.Endpoint()
        await ep.start()
        port = ep.server.sockets[0].getsockname()[1]

        async def invocation():
            ex = await ep.take('inv-1')
            body = await ex.read_all()
            await ex.write_whole(200, [(b'x-inv', ex.header(
                b'x-ms-invocation-id').encode())], body[::-1])
            ex.finished.set_result(None)

        task = asyncio.ensure_future(invocation())
        reader, writer = await asyncio.open_connection('127.0.0.1', port)
        writer.write(b'POST /f HTTP/1.1\r\nx-ms-invocation-id: inv-1\r\n'
                     b'Content-Length: 3\r\nConnection: close\r\n\r\nabc')
        data = await reader.read()
        await task
        ep.server.close()
        return data
    data = run(go())
    assert status_of(data) == 200
    assert b'x-inv: inv-1' in data
    assert body_of(data) == b'cba'
