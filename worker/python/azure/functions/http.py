"""Converters for the ``httpTrigger`` and ``http`` bindings."""

import typing

from . import _abc
from . import _http
from . import _utils
from . import meta

# The public package exposes a request subclass here; ours is the same class.
HttpRequest = _http.HttpRequest
HttpResponse = _http.HttpResponse

__all__ = ('HttpRequestConverter', 'HttpResponseConverter')


def _leaf(value: typing.Any) -> typing.Any:
    return value.value if isinstance(value, meta.Datum) else value


def _leaf_map(value: typing.Any) -> typing.Dict[str, typing.Any]:
    if not value:
        return {}
    if isinstance(value, meta.Datum):
        value = value.python_value or {}
    return {str(k): _leaf(v) for k, v in dict(value).items()}


def _body_of(datum: typing.Any) -> typing.Union[bytes, str]:
    if datum is None:
        return b''
    if not isinstance(datum, meta.Datum):
        return datum if isinstance(datum, (bytes, str)) else str(datum)
    if datum.type is None or datum.value is None:
        return b''
    if datum.type in ('bytes', 'string', 'json'):
        v = datum.value
        return bytes(v) if isinstance(v, (bytearray, memoryview)) else v
    if datum.type in ('int', 'double'):
        return str(datum.value)
    raise _utils.unsupported_datum('httpTrigger', datum.type,
                                   'a bytes, string or json body')


class HttpRequestConverter(meta.InConverter, binding='httpTrigger',
                           trigger=True):

    @classmethod
    def check_input_type_annotation(cls, pytype: type) -> bool:
        return _utils.safe_issubclass(pytype, _abc.HttpRequest)

    @classmethod
    def decode(cls, data: meta.Datum, *, trigger_metadata=None,
               pytype: typing.Optional[type] = None) -> _http.HttpRequest:
        if data is None or data.type != 'http':
            raise _utils.unsupported_datum(
                'httpTrigger', None if data is None else data.type,
                "an 'http' datum")
        val = data.value or {}
        return _http.HttpRequest(
            method=_leaf(val.get('method')) or 'GET',
            url=_leaf(val.get('url')) or '',
            headers=_leaf_map(val.get('headers')),
            params=_leaf_map(val.get('query')),
            route_params=_leaf_map(val.get('params')),
            body=_body_of(val.get('body')),
        )


_BODY_KINDS = ('bytes', 'string', 'json')


def decode_rpc_http(value: dict) -> _http.HttpRequest:
    """The worker's shortcut for ``HttpRequestConverter.decode``: builds the
    request straight from the ``RpcHttp`` dict of an ``{"http": ...}``
    TypedData (str -> str maps, ``body`` a TypedData dict) without the
    intermediate Datums; same result."""
    body = value.get('body') or value.get('rawBody')
    if body:
        kind, v = next(iter(body.items()))
        if v is None:
            v = b''
        elif kind in _BODY_KINDS:
            if isinstance(v, str):
                v = v.encode('utf-8')
            elif not isinstance(v, bytes):
                v = bytes(v)
        elif kind in ('int', 'double'):
            v = str(v).encode('utf-8')
        elif kind == 'stream':
            v = bytes(v)
        else:
            raise _utils.unsupported_datum('httpTrigger', kind,
                                           'a bytes, string or json body')
    else:
        v = b''
    return _http.HttpRequest._from_rpc(
        value.get('method') or 'GET', value.get('url') or '',
        value.get('headers') or {}, value.get('query') or {},
        value.get('params') or {}, v)


def _content_type(resp: _abc.HttpResponse) -> str:
    mimetype = resp.mimetype or 'text/plain'
    if mimetype.startswith('text/') and resp.charset:
        return f'{mimetype}; charset={resp.charset}'
    return mimetype


def _header_pairs(headers: typing.Any) -> typing.List[typing.Tuple[str, str]]:
    if headers is None:
        return []
    if isinstance(headers, _http.HttpResponseHeaders):
        return headers.to_wsgi_list()
    if hasattr(headers, 'items'):
        pairs = []
        for k, v in headers.items():
            if isinstance(v, (list, tuple)):
                pairs.extend((k, str(x)) for x in v)
            else:
                pairs.append((k, str(v)))
        return pairs
    return [(k, str(v)) for k, v in headers]


def _split_headers(pairs) -> typing.Tuple[typing.Dict[str, str],
                                           typing.List[str]]:
    """(headers, Set-Cookie values). A name given more than once (in any
    case) keeps its first spelling and joins the values with ", "."""
    headers: typing.Dict[str, str] = {}
    names: typing.Dict[str, str] = {}
    cookies: typing.List[str] = []
    for name, value in pairs:
        lname = name.lower()
        if lname == 'set-cookie':
            cookies.append(value)
            continue
        if lname in names:
            headers[names[lname]] += ', ' + value
        else:
            names[lname] = name
            headers[name] = value
    return headers, cookies


def _response_parts(resp: _abc.HttpResponse) -> typing.Tuple[
        str, typing.Dict[str, str], typing.List[str], bytes]:
    """(status, headers, Set-Cookie values, body) of a response, as the public
    package's encode makes them: the status as text, a ``content-type`` header
    (that spelling) from ``mimetype``/``charset`` when the response has none,
    the Set-Cookie headers apart, the body as bytes (b'' when None).

    Where pyfn differs: the public encode adds the content-type to, and pops
    the Set-Cookie headers from, the response object itself; pyfn leaves the
    response as it is (one reused across invocations keeps its cookies).
    Repeated headers (other than Set-Cookie) are joined with ", " where the
    public package keeps the last value."""
    pairs = _header_pairs(resp.headers)
    if not any(k.lower() == 'content-type' for k, _ in pairs):
        pairs.append(('content-type', _content_type(resp)))
    headers, cookies = _split_headers(pairs)
    body = resp.get_body()
    if body is None:
        body = b''
    elif isinstance(body, str):
        body = body.encode(resp.charset or 'utf-8')
    return str(resp.status_code), headers, cookies, bytes(body)


def _simple_cookies(values: typing.List[str]) -> typing.Optional[list]:
    """Set-Cookie values -> one ``http.cookies.SimpleCookie`` each (the
    public package's ``cookies`` field), None without any."""
    if not values:
        return None
    from http.cookies import SimpleCookie
    return [SimpleCookie(v) for v in values]


def encode_rpc_http(obj: typing.Any) -> typing.Optional[dict]:
    """The worker's shortcut for ``HttpResponseConverter.encode`` followed by
    the Datum -> TypedData step, for a ``str`` (``{"string": ...}``: the host
    answers 200 text/plain; charset=utf-8, as Azure's does) or an
    ``HttpResponse`` without cookies (``{"http": RpcHttp}``); None for
    anything else (the caller takes the general path)."""
    if type(obj) is str:
        return {'string': obj}
    if not isinstance(obj, _abc.HttpResponse):
        return None
    status, headers, cookies, body = _response_parts(obj)
    if cookies:
        return None
    return {'http': {'status_code': status,
                     'headers': {str(k): str(v) for k, v in headers.items()},
                     'body': {'bytes': body},
                     'cookies': []}}


def _http_datum(status: str, headers: typing.Dict[str, str],
                cookies: typing.List[str], body: bytes) -> meta.Datum:
    return meta.Datum(type='http', value={
        'status_code': meta.Datum(type='string', value=status),
        'headers': {k: meta.Datum(type='string', value=v)
                    for k, v in headers.items()},
        'cookies': _simple_cookies(cookies),
        'body': meta.Datum(type='bytes', value=body),
    })


class HttpResponseConverter(meta.OutConverter, binding='http'):
    """``str`` -> a ``string`` Datum; ``HttpResponse`` -> an ``http`` Datum
    with ``status_code`` (string), ``headers`` (name -> string Datum),
    ``cookies`` (``SimpleCookie`` list, or None) and ``body`` (bytes), as the
    public package's converter produces them."""

    @classmethod
    def check_output_type_annotation(cls, pytype: type) -> bool:
        return _utils.safe_issubclass(pytype, (_abc.HttpResponse, str))

    @classmethod
    def encode(cls, obj: typing.Any, *,
               expected_type: typing.Optional[type] = None) -> meta.Datum:
        if isinstance(obj, str):
            return meta.Datum(type='string', value=obj)
        if isinstance(obj, _abc.HttpResponse):
            return _http_datum(*_response_parts(obj))
        raise _utils.unsupported(
            'http', obj, 'azure.functions.HttpResponse or str')
