"""Run a WSGI application (PEP 3333: Flask, Django, ...) inside an HTTP
function: ``func.HttpRequest`` -> WSGI environ, WSGI response ->
``func.HttpResponse``."""
import logging
from io import BytesIO, StringIO
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple
from urllib.parse import unquote_to_bytes, urlsplit

__all__ = ('WsgiMiddleware', 'WsgiRequest', 'WsgiResponse')

# Request headers that PEP 3333 puts in the environ without an HTTP_ prefix.
_UNPREFIXED = {'content-type': 'CONTENT_TYPE',
               'content-length': 'CONTENT_LENGTH'}


def _latin1(value: str) -> str:
    """A native WSGI string: the UTF-8 bytes of ``value`` seen as
    latin-1 (PEP 3333 "bytes-as-unicode")."""
    return value.encode('utf-8').decode('latin-1')


def _port_of(parts: Any, headers: Dict[str, str]) -> str:
    forwarded = headers.get('x-forwarded-port')
    if forwarded:
        return forwarded.split(',')[0].strip()
    try:
        port = parts.port
    except ValueError:
        port = None
    if port:
        return str(port)
    return '443' if parts.scheme == 'https' else '80'


def _split_content_type(value: Optional[str]) -> Tuple[Optional[str],
                                                       Optional[str]]:
    """``text/html; charset=utf-8`` -> (``text/html``, ``utf-8``)."""
    if not value:
        return None, None
    mimetype, _, rest = value.partition(';')
    charset = None
    for param in rest.split(';'):
        key, _, val = param.partition('=')
        if key.strip().lower() == 'charset' and val.strip():
            charset = val.strip().strip('"')
    return mimetype.strip() or None, charset


def _func_response(status_code: int, headers: List[Tuple[str, str]],
                   buffer: List[bytes]) -> Any:
    """A ``func.HttpResponse`` of the collected status, headers and body
    chunks; mimetype and charset come from the Content-Type header."""
    # Resolved at call time: the package imports this module first.
    from . import _http
    content_type = next((v for k, v in headers
                         if k.lower() == 'content-type'), None)
    mimetype, charset = _split_content_type(content_type)
    return _http.HttpResponse(
        body=b''.join(buffer),
        status_code=status_code,
        headers=list(headers),
        mimetype=mimetype,
        charset=charset)


class WsgiRequest:
    """The parts of a WSGI environ taken from a ``func.HttpRequest`` and
    the invocation's ``func.Context``."""

    def __init__(self, func_req: Any, func_ctx: Any = None):
        parts = urlsplit(func_req.url)
        body = func_req.get_body() or b''
        self._lowercased_headers: Dict[str, str] = {
            str(k).lower(): str(v) for k, v in func_req.headers.items()}
        headers = self._lowercased_headers

        self.request_method: str = func_req.method
        self.script_name = ''
        self.path_info = unquote_to_bytes(parts.path or '/').decode(
            'latin-1')
        self.query_string = parts.query or ''
        self.content_type = headers.get('content-type')
        self.content_length = str(len(body))
        self.server_name = parts.hostname or 'localhost'
        self.server_port = _port_of(parts, headers)
        self.server_protocol = 'HTTP/1.1'
        self.remote_addr = None
        forwarded_for = headers.get('x-forwarded-for')
        if forwarded_for:
            self.remote_addr = forwarded_for.split(',')[0].strip()

        self.wsgi_version = (1, 0)
        self.wsgi_url_scheme = parts.scheme or 'http'
        self.wsgi_input = BytesIO(body)
        self.wsgi_multithread = False
        self.wsgi_multiprocess = False
        self.wsgi_run_once = False

        self.af_function_directory = getattr(func_ctx, 'function_directory',
                                             None)
        self.af_function_name = getattr(func_ctx, 'function_name', None)
        self.af_invocation_id = getattr(func_ctx, 'invocation_id', None)
        self.af_thread_local_storage = getattr(func_ctx,
                                               'thread_local_storage', None)
        self.af_trace_context = getattr(func_ctx, 'trace_context', None)
        self.af_retry_context = getattr(func_ctx, 'retry_context', None)

    def _http_environ(self) -> Dict[str, str]:
        environ: Dict[str, str] = {}
        for name, value in self._lowercased_headers.items():
            if name in _UNPREFIXED:
                continue
            key = 'HTTP_' + name.upper().replace('-', '_')
            if key in environ:
                environ[key] += ',' + value
            else:
                environ[key] = value
        return environ

    def to_environ(self, errors_buffer: Any) -> Dict[str, Any]:
        environ: Dict[str, Any] = {
            'REQUEST_METHOD': self.request_method,
            'SCRIPT_NAME': self.script_name,
            'PATH_INFO': self.path_info,
            'QUERY_STRING': _latin1(self.query_string),
            'CONTENT_TYPE': self.content_type,
            'CONTENT_LENGTH': self.content_length,
            'SERVER_NAME': self.server_name,
            'SERVER_PORT': self.server_port,
            'SERVER_PROTOCOL': self.server_protocol,
            'REMOTE_ADDR': self.remote_addr,
            'wsgi.version': self.wsgi_version,
            'wsgi.url_scheme': self.wsgi_url_scheme,
            'wsgi.input': self.wsgi_input,
            'wsgi.errors': errors_buffer,
            'wsgi.multithread': self.wsgi_multithread,
            'wsgi.multiprocess': self.wsgi_multiprocess,
            'wsgi.run_once': self.wsgi_run_once,
            'azure_functions.function_directory': self.af_function_directory,
            'azure_functions.function_name': self.af_function_name,
            'azure_functions.invocation_id': self.af_invocation_id,
            'azure_functions.thread_local_storage':
                self.af_thread_local_storage,
            'azure_functions.trace_context': self.af_trace_context,
            'azure_functions.retry_context': self.af_retry_context,
        }
        for key, value in self._http_environ().items():
            environ[key] = _latin1(value)
        if environ['CONTENT_TYPE'] is not None:
            environ['CONTENT_TYPE'] = _latin1(environ['CONTENT_TYPE'])
        return {k: v for k, v in environ.items() if v is not None}


class WsgiResponse:
    """Collects what a WSGI application answers."""

    def __init__(self) -> None:
        self._status = ''
        self._status_code = 0
        self._headers: List[Tuple[str, str]] = []
        self._buffer: List[bytes] = []

    @classmethod
    def from_app(cls, app: Callable[..., Iterable[bytes]],
                 environ: Dict[str, Any]) -> 'WsgiResponse':
        res = cls()
        result = app(environ, res._start_response)
        try:
            for chunk in result:
                if chunk:
                    res._buffer.append(bytes(chunk))
        finally:
            close = getattr(result, 'close', None)
            if close is not None:
                close()
        if not res._status:
            raise RuntimeError('the WSGI application did not call '
                               'start_response()')
        return res

    def _start_response(self, status: str,
                        response_headers: List[Tuple[str, str]],
                        exc_info: Any = None) -> Callable[[bytes], None]:
        if exc_info is not None and self._buffer:
            # Headers are already "sent": re-raise (PEP 3333).
            raise exc_info[1].with_traceback(exc_info[2])
        self._status = status
        self._status_code = int(status.split(' ', 1)[0])
        self._headers = [(str(k), str(v)) for k, v in response_headers]
        return self._write

    def _write(self, data: bytes) -> None:
        if data:
            self._buffer.append(bytes(data))

    def to_func_response(self) -> Any:
        return _func_response(self._status_code, self._headers, self._buffer)


class WsgiMiddleware:
    """Adapts a WSGI application to an HTTP function::

        app = func.WsgiFunctionApp(app=flask_app.wsgi_app)   # v2 model

        def main(req, context):                               # v1 model
            return func.WsgiMiddleware(flask_app.wsgi_app).handle(req,
                                                                  context)

    ``PATH_INFO`` is the whole URL path (``/api/...`` unless host.json sets
    ``extensions.http.routePrefix`` to ``""``).  What the app writes to
    ``wsgi.errors`` goes to the ``azure.functions.WsgiMiddleware`` logger.
    """

    _logger = logging.getLogger('azure.functions.WsgiMiddleware')
    _usage_reported = False

    def __init__(self, app: Callable[..., Iterable[bytes]]):
        if not WsgiMiddleware._usage_reported:
            self._logger.debug('Instantiating Azure Functions WSGI '
                               'middleware.')
            WsgiMiddleware._usage_reported = True
        self._app = app
        self._wsgi_error_buffer = StringIO()
        self.main = self._handle

    def handle(self, req: Any, context: Any = None) -> Any:
        """Convert ``req`` to a WSGI call of the app and return its answer
        as a ``func.HttpResponse``."""
        return self._handle(req, context)

    def _handle(self, req: Any, context: Any = None) -> Any:
        errors = StringIO()
        environ = WsgiRequest(req, context).to_environ(errors)
        try:
            wsgi_response = WsgiResponse.from_app(self._app, environ)
        finally:
            self._handle_errors(errors)
        return wsgi_response.to_func_response()

    def _handle_errors(self, errors: StringIO) -> None:
        text = errors.getvalue()
        if text:
            self._logger.error('%s', text.rstrip('\n'))
