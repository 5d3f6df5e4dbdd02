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


def _merge_headers(pairs) -> typing.Tuple[typing.Dict[str, str],
                                           typing.List[str]]:
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


_TEXT_PLAIN = 'text/plain; charset=utf-8'


def encode_rpc_http(obj: typing.Any) -> typing.Optional[dict]:
    """The worker's shortcut for ``HttpResponseConverter.encode`` followed by
    the Datum -> ``{"http": RpcHttp}`` TypedData step, for a ``str`` or an
    ``HttpResponse`` without cookies; None for anything else (the caller
    takes the general path)."""
    if type(obj) is str:
        return {'http': {'status_code': '200',
                         'headers': {'Content-Type': _TEXT_PLAIN},
                         'body': {'bytes': obj.encode('utf-8')},
                         'cookies': []}}
    if not isinstance(obj, _abc.HttpResponse):
        return None
    pairs = _header_pairs(obj.headers)
    if not any(k.lower() == 'content-type' for k, _ in pairs):
        pairs.append(('Content-Type', _content_type(obj)))
    headers, cookies = _merge_headers(pairs)
    if cookies:
        return None
    body = obj.get_body()
    if body is None:
        body = b''
    elif isinstance(body, str):
        body = body.encode(obj.charset or 'utf-8')
    return {'http': {'status_code': str(int(obj.status_code)),
                     'headers': {str(k): str(v) for k, v in headers.items()},
                     'body': {'bytes': bytes(body)},
                     'cookies': []}}


def encode_http_response(status: int, pairs, body: bytes) -> meta.Datum:
    """Build the ``http`` Datum of a response: ``Set-Cookie`` headers go to
    ``cookies`` (one string each), other repeated headers are joined with
    ``", "``."""
    headers, cookies = _merge_headers(pairs)
    return meta.Datum(type='http', value={
        'status_code': meta.Datum(type='string', value=str(int(status))),
        'headers': {k: meta.Datum(type='string', value=v)
                    for k, v in headers.items()},
        'body': meta.Datum(type='bytes', value=body),
        'cookies': cookies,
    })


class HttpResponseConverter(meta.OutConverter, binding='http'):

    @classmethod
    def check_output_type_annotation(cls, pytype: type) -> bool:
        return _utils.safe_issubclass(pytype, (_abc.HttpResponse, str))

    @classmethod
    def encode(cls, obj: typing.Any, *,
               expected_type: typing.Optional[type] = None) -> meta.Datum:
        if isinstance(obj, str):
            return encode_http_response(
                200, [('Content-Type', 'text/plain; charset=utf-8')],
                obj.encode('utf-8'))
        if isinstance(obj, _abc.HttpResponse):
            pairs = _header_pairs(obj.headers)
            if not any(k.lower() == 'content-type' for k, _ in pairs):
                pairs.append(('Content-Type', _content_type(obj)))
            body = obj.get_body()
            if body is None:
                body = b''
            elif isinstance(body, str):
                body = body.encode(obj.charset or 'utf-8')
            return encode_http_response(obj.status_code, pairs, bytes(body))
        raise _utils.unsupported(
            'http', obj, 'azure.functions.HttpResponse or str')
