"""HttpRequest / HttpResponse and their helper data structures.

Form and multipart parsing uses only the standard library (``urllib.parse``
and the ``email`` parser); no ``cgi`` (removed in 3.13) and no werkzeug.
"""

import collections.abc
import io
import json
import sys
import types
import typing

if typing.TYPE_CHECKING:  # for the annotations only: imported where used
    import http

# email, shutil, urllib.parse and http are imported where used (form parsing,
# FileStorage.save, HTTPStatus): a plain request needs none of them.

from . import _abc

__all__ = ('HttpRequest', 'HttpResponse', 'HttpRequestHeaders',
           'HttpResponseHeaders', 'BaseHeaders', 'ImmutableMultiDict',
           'FileStorage')


# --- headers -------------------------------------------------------------

class BaseHeaders(collections.abc.Mapping):
    """A read-only mapping with case-insensitive keys (stored lower-case)."""

    def __init__(self, source: typing.Optional[typing.Mapping] = None) -> None:
        self.__http_headers__: typing.Dict[str, str] = {}
        if source is not None:
            items = source.items() if hasattr(source, 'items') else source
            for k, v in items:
                self.__http_headers__[str(k).lower()] = v

    def __getitem__(self, key: str) -> str:
        return self.__http_headers__[key.lower()]

    def __contains__(self, key: typing.Any) -> bool:
        return isinstance(key, str) and key.lower() in self.__http_headers__

    def __len__(self) -> int:
        return len(self.__http_headers__)

    def __iter__(self):
        return iter(self.__http_headers__)

    def __repr__(self) -> str:
        return f'{type(self).__name__}({self.__http_headers__!r})'


class HttpRequestHeaders(BaseHeaders):
    pass


class HttpResponseHeaders:
    """Mutable, case-insensitive, multi-valued response headers.

    Behaves like werkzeug's ``Headers`` (which the public package uses):
    ``h[name]`` is the first value, ``h[name] = v`` replaces every value,
    ``add``/``add_header`` append (so several ``Set-Cookie`` survive),
    ``get_all``/``getlist`` return every value, iterating, ``items()``,
    ``keys()`` and ``values()`` yield every ``(name, value)`` pair.
    """

    def __init__(self, defaults: typing.Any = None) -> None:
        self._list: typing.List[typing.Tuple[str, str]] = []
        if defaults:
            self.extend(defaults)

    @staticmethod
    def _value(value: typing.Any) -> str:
        value = value if isinstance(value, str) else str(value)
        if '\n' in value or '\r' in value:
            raise ValueError('header values must not contain newlines')
        return value

    # mapping-like access
    def __getitem__(self, key):
        if isinstance(key, int):
            return self._list[key]
        lk = key.lower()
        for k, v in self._list:
            if k.lower() == lk:
                return v
        raise KeyError(key)

    def __setitem__(self, key: str, value: typing.Any) -> None:
        self.set(key, value)

    def __delitem__(self, key: str) -> None:
        lk = key.lower()
        before = len(self._list)
        self._list = [(k, v) for k, v in self._list if k.lower() != lk]
        if len(self._list) == before:
            raise KeyError(key)

    def __contains__(self, key: typing.Any) -> bool:
        if not isinstance(key, str):
            return False
        lk = key.lower()
        return any(k.lower() == lk for k, _ in self._list)

    def __iter__(self):
        return iter(list(self._list))

    def __len__(self) -> int:
        return len(self._list)

    def __bool__(self) -> bool:
        return bool(self._list)

    def __eq__(self, other):
        if isinstance(other, HttpResponseHeaders):
            return sorted((k.lower(), v) for k, v in self._list) == \
                sorted((k.lower(), v) for k, v in other._list)
        if isinstance(other, collections.abc.Mapping):
            return {k.lower(): v for k, v in self.items()} == \
                {str(k).lower(): v for k, v in other.items()}
        return NotImplemented

    __hash__ = None  # type: ignore

    def __repr__(self) -> str:
        return f'{type(self).__name__}({self._list!r})'

    def get(self, key: str, default=None, type=None):
        try:
            value = self[key]
        except KeyError:
            return default
        if type is None:
            return value
        try:
            return type(value)
        except ValueError:
            return default

    def get_all(self, key: str) -> typing.List[str]:
        lk = key.lower()
        return [v for k, v in self._list if k.lower() == lk]

    getlist = get_all

    # As werkzeug's: every (name, value) pair, a repeated name as often as
    # it was added.
    def keys(self, lower: bool = False):
        return [k.lower() if lower else k for k, _ in self._list]

    def values(self):
        return [v for _, v in self._list]

    def items(self, lower: bool = False):
        return [(k.lower() if lower else k, v) for k, v in self._list]

    def add(self, key: str, value: typing.Any, **params) -> None:
        value = self._value(value)
        for pk, pv in params.items():
            pk = pk.replace('_', '-')
            value += '; ' + pk if pv is None else f'; {pk}={pv}'
        self._list.append((key, value))

    add_header = add

    def set(self, key: str, value: typing.Any, **params) -> None:
        lk = key.lower()
        idx = next((i for i, (k, _) in enumerate(self._list)
                    if k.lower() == lk), None)
        rest = [(k, v) for k, v in self._list if k.lower() != lk]
        tmp = HttpResponseHeaders()
        tmp.add(key, value, **params)
        if idx is None:
            rest.append(tmp._list[0])
        else:
            rest.insert(idx, tmp._list[0])
        self._list = rest

    def setdefault(self, key: str, default: typing.Any) -> str:
        if key in self:
            return self[key]
        self.set(key, default)
        return self[key]

    def extend(self, *args, **kwargs) -> None:
        for source in args + ((kwargs,) if kwargs else ()):
            if isinstance(source, HttpResponseHeaders):
                pairs = list(source._list)
            elif hasattr(source, 'items'):
                pairs = list(source.items())
            else:
                pairs = list(source)
            for k, v in pairs:
                if isinstance(v, (list, tuple)):
                    for item in v:
                        self.add(k, item)
                else:
                    self.add(k, v)

    update = extend

    def remove(self, key: str) -> None:
        try:
            del self[key]
        except KeyError:
            pass

    _missing = object()

    def pop(self, key: str, default: typing.Any = _missing):
        lk = key.lower()
        values = self.get_all(key)
        if not values:
            if default is HttpResponseHeaders._missing:
                raise KeyError(key)
            return default
        self._list = [(k, v) for k, v in self._list if k.lower() != lk]
        return values[0]

    def popitem(self):
        return self._list.pop()

    def clear(self) -> None:
        self._list.clear()

    def copy(self) -> 'HttpResponseHeaders':
        return type(self)(self._list)

    __copy__ = copy

    def to_wsgi_list(self) -> typing.List[typing.Tuple[str, str]]:
        return list(self._list)


# --- form data -----------------------------------------------------------

class ImmutableMultiDict(collections.abc.Mapping):
    """A read-only multi-valued mapping; ``d[key]`` is the first value."""

    def __init__(self, pairs: typing.Iterable[typing.Tuple[str, typing.Any]]
                 = ()) -> None:
        self.__data: typing.Dict[str, list] = {}
        for k, v in pairs:
            self.__data.setdefault(k, []).append(v)

    def __getitem__(self, key: str):
        values = self.__data[key]
        return values[0]

    def __iter__(self):
        return iter(self.__data)

    def __len__(self) -> int:
        return len(self.__data)

    def __repr__(self) -> str:
        return f'{type(self).__name__}({list(self.items(multi=True))!r})'

    def get(self, key: str, default=None, type=None):
        try:
            value = self[key]
        except KeyError:
            return default
        if type is None:
            return value
        try:
            return type(value)
        except (ValueError, TypeError):
            return default

    def getlist(self, key: str, type=None) -> list:
        values = list(self.__data.get(key, []))
        if type is None:
            return values
        out = []
        for v in values:
            try:
                out.append(type(v))
            except (ValueError, TypeError):
                pass
        return out

    def items(self, multi: bool = False):  # type: ignore[override]
        if multi:
            return [(k, v) for k, vs in self.__data.items() for v in vs]
        return [(k, vs[0]) for k, vs in self.__data.items()]

    def values(self):  # type: ignore[override]
        return [vs[0] for vs in self.__data.values()]

    def lists(self):
        return [(k, list(vs)) for k, vs in self.__data.items()]

    def to_dict(self, flat: bool = True) -> dict:
        if flat:
            return dict(self.items())
        return dict(self.lists())

    def copy(self) -> 'ImmutableMultiDict':
        return type(self)(self.items(multi=True))


class FileStorage:
    """An uploaded file of a multipart request."""

    def __init__(self, stream: typing.Optional[typing.BinaryIO] = None,
                 filename: typing.Optional[str] = None,
                 name: typing.Optional[str] = None,
                 content_type: typing.Optional[str] = None,
                 content_length: typing.Optional[int] = None,
                 headers: typing.Optional[typing.Mapping[str, str]] = None
                 ) -> None:
        self.stream = stream if stream is not None else io.BytesIO()
        self.filename = filename
        self.name = name
        self.headers = HttpRequestHeaders(headers or {})
        if content_type is None:
            content_type = self.headers.get('content-type')
        self.content_type = content_type
        self._content_length = content_length

    @property
    def content_length(self) -> int:
        if self._content_length is not None:
            return self._content_length
        try:
            return int(self.headers.get('content-length', 0))
        except ValueError:
            return 0

    @property
    def mimetype(self) -> str:
        ct = self.content_type or ''
        return ct.split(';', 1)[0].strip().lower()

    @property
    def mimetype_params(self) -> typing.Dict[str, str]:
        import email.message
        msg = email.message.Message()
        msg['content-type'] = self.content_type or 'text/plain'
        return {k.lower(): v for k, v in msg.get_params()[1:]}

    def read(self, *args) -> bytes:
        return self.stream.read(*args)

    def readline(self, *args) -> bytes:
        return self.stream.readline(*args)

    def seek(self, *args):
        return self.stream.seek(*args)

    def tell(self) -> int:
        return self.stream.tell()

    def __iter__(self):
        return iter(self.stream)

    def __bool__(self) -> bool:
        return bool(self.filename)

    def save(self, dst, buffer_size: int = 16384) -> None:
        import shutil
        if isinstance(dst, (str, bytes)) or hasattr(dst, '__fspath__'):
            with open(dst, 'wb') as f:
                shutil.copyfileobj(self.stream, f, buffer_size)
        else:
            shutil.copyfileobj(self.stream, dst, buffer_size)

    def close(self) -> None:
        self.stream.close()

    def __repr__(self) -> str:
        return (f'<{type(self).__name__}: {self.filename!r} '
                f'({self.content_type!r})>')


def _parse_content_type(value: str) -> typing.Tuple[str, typing.Dict[str, str]]:
    import email.message
    import email.utils
    msg = email.message.Message()
    msg['content-type'] = value or 'text/plain'
    params = msg.get_params() or []
    mimetype = msg.get_content_type()
    options = {}
    for k, v in params[1:]:
        options[k.lower()] = email.utils.collapse_rfc2231_value(v)
    return mimetype, options


def _parse_form(body: bytes, content_type: str) \
        -> typing.Tuple[ImmutableMultiDict, ImmutableMultiDict]:
    mimetype, options = _parse_content_type(content_type)
    charset = options.get('charset') or 'utf-8'
    if mimetype == 'application/x-www-form-urlencoded':
        text = body.decode(charset, 'replace') if body else ''
        import urllib.parse
        pairs = urllib.parse.parse_qsl(text, keep_blank_values=True)
        return ImmutableMultiDict(pairs), ImmutableMultiDict()
    if mimetype == 'multipart/form-data' and options.get('boundary'):
        return _parse_multipart(body, content_type, charset)
    return ImmutableMultiDict(), ImmutableMultiDict()


def _parse_multipart(body: bytes, content_type: str, charset: str) \
        -> typing.Tuple[ImmutableMultiDict, ImmutableMultiDict]:
    import email.parser
    import email.policy
    import email.utils
    head = (b'MIME-Version: 1.0\r\nContent-Type: ' +
            content_type.encode('latin-1', 'replace') + b'\r\n\r\n')
    parser = email.parser.BytesParser(policy=email.policy.HTTP)
    msg = parser.parsebytes(head + body)
    fields: typing.List[typing.Tuple[str, typing.Any]] = []
    files: typing.List[typing.Tuple[str, typing.Any]] = []
    if not msg.is_multipart():
        return ImmutableMultiDict(), ImmutableMultiDict()
    for part in msg.iter_parts():
        name = part.get_param('name', header='content-disposition')
        if name is None:
            continue
        name = email.utils.collapse_rfc2231_value(name)
        payload = part.get_payload(decode=True)
        if payload is None:
            payload = b''
        filename = part.get_filename()
        if filename is not None:
            part_headers = {k: str(v) for k, v in part.items()}
            files.append((name, FileStorage(
                stream=io.BytesIO(payload), filename=filename, name=name,
                content_type=part.get('content-type',
                                      'application/octet-stream'),
                content_length=len(payload), headers=part_headers)))
        else:
            part_charset = part.get_content_charset() or charset
            fields.append((name, payload.decode(part_charset, 'replace')))
    return ImmutableMultiDict(fields), ImmutableMultiDict(files)


# --- request / response --------------------------------------------------

class HttpResponse(_abc.HttpResponse):
    """An HTTP response.

    :param body: optional ``str`` (encoded with ``charset``) or bytes.
    :param status_code: ``int`` or ``http.HTTPStatus``; default 200.
    :param headers: optional mapping of response headers.
    :param mimetype: default ``text/plain``.
    :param charset: default ``utf-8``.
    """

    def __init__(self,
                 body: typing.Optional[typing.Union[str, bytes]] = None, *,
                 status_code: typing.Optional[
                     typing.Union['http.HTTPStatus', int]] = None,
                 headers: typing.Optional[typing.Mapping[str, str]] = None,
                 mimetype: typing.Optional[str] = None,
                 charset: typing.Optional[str] = None) -> None:
        if status_code is None:
            status_code = 200
        elif type(status_code) is not int:
            # An http.HTTPStatus exists only once `http` is imported.
            http = sys.modules.get('http')
            if http is not None and isinstance(status_code, http.HTTPStatus):
                status_code = status_code.value
        self.__status_code = status_code
        self.__mimetype = 'text/plain' if mimetype is None else mimetype
        self.__charset = 'utf-8' if charset is None else charset
        self.__headers = HttpResponseHeaders()
        if headers is not None:
            self.__headers.extend(headers)
        self.__body = b''
        if body is not None:
            self.__set_body(body)

    @property
    def mimetype(self):
        return self.__mimetype

    @property
    def charset(self):
        return self.__charset

    @property
    def headers(self) -> HttpResponseHeaders:
        return self.__headers

    @property
    def status_code(self):
        return self.__status_code

    def __set_body(self, body) -> None:
        if isinstance(body, str):
            body = body.encode(self.__charset)
        if not isinstance(body, (bytes, bytearray)):
            raise TypeError(
                f'response is expected to be either of str, bytes, or '
                f'bytearray, got {type(body).__name__}')
        self.__body = bytes(body)

    def get_body(self) -> bytes:
        return self.__body

    def __repr__(self) -> str:
        return (f'<azure.functions.HttpResponse status_code='
                f'{self.__status_code} mimetype={self.__mimetype!r} '
                f'body={len(self.__body)} bytes>')


class HttpRequest(_abc.HttpRequest):
    """An HTTP request.

    :param method: HTTP method (returned upper-cased).
    :param url: the request URL.
    :param headers: optional mapping; case-insensitive.
    :param params: optional mapping of query parameters.
    :param route_params: optional mapping of route parameters.
    :param body: request body (bytes; str is UTF-8 encoded; None is empty).
    """

    def __init__(self, method: str, url: str, *,
                 headers: typing.Optional[typing.Mapping[str, str]] = None,
                 params: typing.Optional[typing.Mapping[str, str]] = None,
                 route_params: typing.Optional[
                     typing.Mapping[str, str]] = None,
                 body: typing.Optional[typing.Union[bytes, str]]) -> None:
        if body is None:
            body_bytes = b''
        elif isinstance(body, str):
            body_bytes = body.encode('utf-8')
        elif isinstance(body, (bytes, bytearray, memoryview)):
            body_bytes = bytes(body)
        else:
            raise TypeError(
                f'unexpected HTTP request body type: {type(body).__name__}')
        self.__method = method
        self.__url = url
        self.__headers: typing.Optional[HttpRequestHeaders] = None
        self.__raw_headers = dict(headers or {})
        self.__params = types.MappingProxyType(dict(params or {}))
        self.__route_params = types.MappingProxyType(dict(route_params or {}))
        self.__body_bytes = body_bytes
        self.__form: typing.Optional[ImmutableMultiDict] = None
        self.__files: typing.Optional[ImmutableMultiDict] = None

    @classmethod
    def _from_rpc(cls, method: str, url: str, headers: dict, query: dict,
                  route_params: dict, body_bytes: bytes) -> 'HttpRequest':
        """The worker's constructor: takes ownership of the dicts it is given
        (fresh per invocation, str -> str) instead of copying them; the
        case-insensitive headers are built on first access."""
        self = cls.__new__(cls)
        self.__method = method
        self.__url = url
        self.__headers = None
        self.__raw_headers = headers
        self.__params = types.MappingProxyType(query)
        self.__route_params = types.MappingProxyType(route_params)
        self.__body_bytes = body_bytes
        self.__form = None
        self.__files = None
        return self

    @property
    def url(self) -> str:
        return self.__url

    @property
    def method(self) -> str:
        return self.__method.upper()

    @property
    def headers(self) -> HttpRequestHeaders:
        headers = self.__headers
        if headers is None:
            headers = self.__headers = HttpRequestHeaders(self.__raw_headers)
            self.__raw_headers = None
        return headers

    @property
    def params(self) -> typing.Mapping[str, str]:
        return self.__params

    @property
    def route_params(self) -> typing.Mapping[str, str]:
        return self.__route_params

    @property
    def form(self) -> ImmutableMultiDict:
        self._parse_form_data()
        assert self.__form is not None
        return self.__form

    @property
    def files(self) -> ImmutableMultiDict:
        self._parse_form_data()
        assert self.__files is not None
        return self.__files

    def get_body(self) -> bytes:
        return self.__body_bytes

    def get_json(self) -> typing.Any:
        body = self.__body_bytes
        if not body.strip():
            # JSONDecodeError is a ValueError, as the public API documents.
            raise json.JSONDecodeError(
                'Request body cannot be empty in JSON deserialization',
                '', 0)
        return json.loads(body.decode('utf-8'))

    def _parse_form_data(self) -> None:
        if self.__form is not None:
            return
        self.__form, self.__files = _parse_form(
            self.__body_bytes, self.headers.get('content-type', ''))

    def __repr__(self) -> str:
        return (f'<azure.functions.HttpRequest method={self.method} '
                f'url={self.__url!r}>')

