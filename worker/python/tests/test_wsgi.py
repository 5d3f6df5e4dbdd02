"""WsgiMiddleware and WsgiFunctionApp: func.HttpRequest <-> WSGI (PEP 3333),
with a raw WSGI app and, when Debian's python3-flask is installed, Flask."""
import io
import json
import logging
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))

from azure.functions._http_wsgi import WsgiMiddleware  # noqa: E402
from azure.functions.decorators import WsgiFunctionApp  # noqa: E402

from _support import importorskip_any, make_context, \
    make_request  # noqa: E402


def context():
    return make_context(function_directory='/app', invocation_id='inv-1')


class EchoApp:
    def __init__(self):
        self.environs = []
        self.closed = 0

    def __call__(self, environ, start_response):
        self.environs.append(environ)
        body = environ['wsgi.input'].read(int(environ['CONTENT_LENGTH']))
        payload = {
            'method': environ['REQUEST_METHOD'],
            'path': environ['PATH_INFO'],
            'query': environ['QUERY_STRING'],
            'content_type': environ.get('CONTENT_TYPE'),
            'x_custom': environ.get('HTTP_X_CUSTOM'),
            'body': body.decode(),
        }
        start_response('201 Created', [
            ('Content-Type', 'application/json; charset=utf-8'),
            ('Set-Cookie', 'a=1'), ('Set-Cookie', 'b=2')])
        app = self

        class Result:
            def __iter__(self):
                data = json.dumps(payload).encode()
                yield data[:3]
                yield b''
                yield data[3:]

            def close(self):
                app.closed += 1

        return Result()


def test_round_trip():
    app = EchoApp()
    mw = WsgiMiddleware(app)
    resp = mw.handle(make_request(
        'POST', 'http://localhost:7071/api/echo/a%20b?x=1&y=2',
        headers={'Content-Type': 'text/plain', 'X-Custom': 'v'},
        body=b'data'), context())
    assert resp.status_code == 201
    assert json.loads(resp.get_body()) == {
        'method': 'POST', 'path': '/api/echo/a b', 'query': 'x=1&y=2',
        'content_type': 'text/plain', 'x_custom': 'v', 'body': 'data'}
    assert resp.mimetype == 'application/json'
    assert resp.charset == 'utf-8'
    assert resp.headers.get_all('set-cookie') == ['a=1', 'b=2']
    assert app.closed == 1
    environ = app.environs[0]
    assert environ['SERVER_NAME'] == 'localhost'
    assert environ['SERVER_PORT'] == '7071'
    assert environ['SERVER_PROTOCOL'] == 'HTTP/1.1'
    assert environ['SCRIPT_NAME'] == ''
    assert environ['wsgi.url_scheme'] == 'http'
    assert environ['wsgi.version'] == (1, 0)
    assert environ['CONTENT_LENGTH'] == '4'
    assert 'HTTP_CONTENT_TYPE' not in environ
    assert environ['azure_functions.invocation_id'] == 'inv-1'
    assert environ['azure_functions.function_name'] == 'http_app_func'


def test_main_alias_and_no_context():
    mw = WsgiMiddleware(EchoApp())
    assert mw.main(make_request(), None).status_code == 201


def test_ports_and_schemes():
    app = EchoApp()
    mw = WsgiMiddleware(app)
    mw.handle(make_request(url='https://example.org/api/x'))
    mw.handle(make_request(url='http://example.org/api/x'))
    mw.handle(make_request(url='http://example.org/api/x',
                           headers={'X-Forwarded-Port': '8443',
                                    'X-Forwarded-For': '10.0.0.1, 10.0.0.2'}
                           ))
    assert [e['SERVER_PORT'] for e in app.environs] == ['443', '80', '8443']
    assert app.environs[0]['wsgi.url_scheme'] == 'https'
    assert app.environs[2]['REMOTE_ADDR'] == '10.0.0.1'


def test_non_ascii_path_is_latin1_native_string():
    app = EchoApp()
    WsgiMiddleware(app).handle(make_request(
        url='http://localhost/api/caf%C3%A9'))
    path = app.environs[0]['PATH_INFO']
    assert path.encode('latin-1').decode('utf-8') == '/api/café'


def test_write_callable_and_errors_stream(caplog):
    def legacy(environ, start_response):
        write = start_response('200 OK', [('Content-Type', 'text/plain')])
        write(b'written ')
        environ['wsgi.errors'].write('something odd\n')
        return [b'returned']

    with caplog.at_level(logging.ERROR, 'azure.functions.WsgiMiddleware'):
        resp = WsgiMiddleware(legacy).handle(make_request())
    assert resp.get_body() == b'written returned'
    assert 'something odd' in caplog.text


def test_error_status_is_returned():
    def failing(environ, start_response):
        start_response('503 Service Unavailable',
                       [('Content-Type', 'text/plain')])
        return [b'busy']

    resp = WsgiMiddleware(failing).handle(make_request())
    assert resp.status_code == 503
    assert resp.get_body() == b'busy'


def test_app_exception_propagates():
    def boom(environ, start_response):
        raise ValueError('boom')

    with pytest.raises(ValueError):
        WsgiMiddleware(boom).handle(make_request())


def test_wsgi_function_app():
    echo = EchoApp()
    app = WsgiFunctionApp(app=echo, http_auth_level='ANONYMOUS')
    fn = app.get_functions()[0]
    resp = fn.get_user_function()(make_request(
        url='http://localhost:7071/api/anything/else'), context())
    assert resp.status_code == 201
    assert json.loads(resp.get_body())['path'] == '/api/anything/else'


def test_flask_round_trip():
    flask = importorskip_any('flask')
    web = flask.Flask('pyfn_test')

    @web.route('/api/hello/<name>')
    def hello(name):
        return f'Hello, {name}. ({flask.request.args.get("q", "")})'

    @web.route('/api/json', methods=['POST'])
    def post_json():
        data = flask.request.get_json()
        resp = flask.jsonify(doubled=data['n'] * 2)
        resp.set_cookie('c1', 'x')
        resp.set_cookie('c2', 'y')
        return resp, 201

    @web.route('/api/form', methods=['POST'])
    def form():
        upload = flask.request.files['f']
        return f'{flask.request.form["a"]}:{upload.filename}:' \
               f'{upload.read().decode()}'

    app = WsgiFunctionApp(app=web.wsgi_app)
    user_function = app.get_functions()[0].get_user_function()

    r1 = user_function(make_request(
        url='http://localhost:7071/api/hello/Ada?q=1'), context())
    assert r1.status_code == 200
    assert r1.get_body() == b'Hello, Ada. (1)'
    assert r1.mimetype == 'text/html'

    r2 = user_function(make_request(
        'POST', 'http://localhost:7071/api/json',
        headers={'Content-Type': 'application/json'},
        body=b'{"n": 21}'), context())
    assert r2.status_code == 201
    assert json.loads(r2.get_body()) == {'doubled': 42}
    cookies = r2.headers.get_all('Set-Cookie')
    assert len(cookies) == 2 and cookies[0].startswith('c1=x')

    boundary = 'XyZ'
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="a"'
            f'\r\n\r\nA\r\n--{boundary}\r\nContent-Disposition: form-data; '
            f'name="f"; filename="t.txt"\r\nContent-Type: text/plain\r\n\r\n'
            f'file-content\r\n--{boundary}--\r\n').encode()
    r3 = user_function(make_request(
        'POST', 'http://localhost:7071/api/form',
        headers={'Content-Type': f'multipart/form-data; boundary={boundary}'},
        body=body), context())
    assert r3.get_body() == b'A:t.txt:file-content'

    r4 = user_function(make_request(
        url='http://localhost:7071/api/missing'), context())
    assert r4.status_code == 404


def test_input_stream_is_bytes_io():
    app = EchoApp()
    WsgiMiddleware(app).handle(make_request('PUT', body=b'xyz'))
    assert isinstance(app.environs[0]['wsgi.input'], io.BytesIO)
