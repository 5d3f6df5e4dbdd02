"""TypedData dicts (from `_pyfn`) <-> azure.functions.meta.Datum <-> Python.

Bindings with a converter in the library's registry use it (decode/encode);
any other binding type is "generic" (spec B8): str, bytes, int, float pass
through, JSON stays a str unless the parameter is annotated dict/list, and
function.json's `dataType` (string/binary) decides between str and bytes.
"""

import datetime
import json
import typing
from typing import Any, Dict, List, Optional

from azure.functions import meta as _meta

Datum = _meta.Datum

# BindingInfo.Direction / DataType as names.
DIRECTIONS = {0: 'in', 1: 'out', 2: 'inout'}
DATA_TYPES = {0: 'undefined', 1: 'string', 2: 'binary', 3: 'stream'}

_SCALARS = ('string', 'json', 'bytes', 'int', 'double')
_COLLECTIONS = {'collection_string': 'string', 'collection_bytes': 'bytes',
                'collection_double': 'double',
                'collection_sint64': 'sint64'}


def get_converter(binding_type: str):
    """The library's converter class for a binding type, or None (generic)."""
    return _meta.get_binding_registry().get(binding_type)


# ---- TypedData -> Datum ----------------------------------------------------

def _str_map(d) -> Dict[str, Datum]:
    return {k: Datum(v, 'string') for k, v in (d or {}).items()}


def typed_data_to_datum(td: Optional[dict]) -> Optional[Datum]:
    if not td:
        return None
    kind, value = next(iter(td.items()))
    if kind == 'http':
        body = typed_data_to_datum(value.get('body'))
        if body is None:
            body = typed_data_to_datum(value.get('rawBody'))
        if body is None:
            body = Datum(b'', 'bytes')
        return Datum({
            'method': Datum(value.get('method', ''), 'string'),
            'url': Datum(value.get('url', ''), 'string'),
            'headers': _str_map(value.get('headers')),
            'params': _str_map(value.get('params')),
            'query': _str_map(value.get('query')),
            'body': body,
        }, 'http')
    if kind in _SCALARS:
        return Datum(value, kind)
    if kind == 'stream':
        return Datum(value, 'bytes')
    if kind in _COLLECTIONS:
        return Datum(list((value or {}).get(_COLLECTIONS[kind]) or []), kind)
    return Datum(value, kind)


# ---- Datum -> TypedData ----------------------------------------------------

_SAMESITE = {'lax': 1, 'strict': 2, 'none': 3}


def _cookie_expires(val: str) -> Optional[dict]:
    import email.utils
    try:
        dt = email.utils.parsedate_to_datetime(val)
    except (TypeError, ValueError, IndexError):
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=datetime.timezone.utc)
    return {'value': dt.timestamp()}


def _cookie_attr(cookie: Dict[str, Any], key: str, val: Any) -> None:
    """One cookie attribute (name lower-cased) into an RpcHttpCookie dict;
    unknown attributes and unparsable values are left out."""
    if key == 'domain' and val:
        cookie['domain'] = {'value': str(val)}
    elif key == 'path' and val:
        cookie['path'] = {'value': str(val)}
    elif key == 'expires' and val:
        expires = _cookie_expires(str(val))
        if expires is not None:
            cookie['expires'] = expires
    elif key == 'max-age' and val not in (None, ''):
        try:
            cookie['max_age'] = {'value': float(val)}
        except ValueError:
            pass
    elif key == 'secure' and val:
        cookie['secure'] = {'value': True}
    elif key == 'httponly' and val:
        cookie['http_only'] = {'value': True}
    elif key == 'samesite' and val:
        cookie['same_site'] = _SAMESITE.get(str(val).lower(), 0)


def parse_set_cookie(header: str) -> dict:
    """One `Set-Cookie` value -> an RpcHttpCookie dict."""
    parts = [p.strip() for p in header.split(';')]
    name, _, value = parts[0].partition('=')
    cookie: Dict[str, Any] = {'name': name.strip(), 'value': value.strip()}
    for attr in parts[1:]:
        if not attr:
            continue
        key, has_value, val = attr.partition('=')
        key = key.strip().lower()
        # A flag without "=" (Secure, HttpOnly) is set.
        _cookie_attr(cookie, key, val.strip() if has_value else True)
    return cookie


def morsel_to_cookie(name: str, morsel: Any) -> dict:
    """An ``http.cookies.Morsel`` -> an RpcHttpCookie dict (the fields Azure's
    worker fills from it; attributes the morsel leaves empty are not sent)."""
    cookie: Dict[str, Any] = {'name': name, 'value': morsel.value}
    for key in ('domain', 'path', 'expires', 'max-age', 'secure',
                'httponly', 'samesite'):
        _cookie_attr(cookie, key, morsel[key])
    return cookie


def rpc_cookies(cookies) -> List[dict]:
    """The ``cookies`` of an http Datum -> RpcHttpCookie dicts: a list of
    ``SimpleCookie`` (the library's form), ``Morsel`` or `Set-Cookie`
    strings; None is no cookies."""
    out: List[dict] = []
    for c in cookies or []:
        if isinstance(c, str):
            out.append(parse_set_cookie(c))
        elif hasattr(c, 'OutputString'):  # http.cookies.Morsel
            out.append(morsel_to_cookie(c.key, c))
        elif hasattr(c, 'items'):  # http.cookies.SimpleCookie
            out.extend(morsel_to_cookie(k, m) for k, m in c.items())
        else:
            out.append(parse_set_cookie(str(c)))
    return out


def _leaf(v):
    return v.value if isinstance(v, Datum) else v


def datum_to_typed_data(d: Optional[Datum]) -> dict:
    if d is None or d.type is None or d.value is None:
        return {}
    if d.type == 'http':
        v = d.value
        headers = {}
        cookies = rpc_cookies(v.get('cookies'))
        for k, hv in (_leaf(v.get('headers')) or {}).items():
            hv = _leaf(hv)
            if k.lower() == 'set-cookie':
                cookies.extend(parse_set_cookie(str(c)) for c in (
                    hv if isinstance(hv, list) else [hv]))
            else:
                headers[str(k)] = str(hv)
        http = {
            'status_code': str(_leaf(v.get('status_code')) or '200'),
            'headers': headers,
            'body': datum_to_typed_data(v.get('body')) if isinstance(
                v.get('body'), Datum) else python_to_typed_data(
                    _leaf(v.get('body')) or b''),
            'cookies': cookies,
        }
        return {'http': http}
    if d.type in _SCALARS:
        return {d.type: d.value}
    if d.type in _COLLECTIONS:
        items = d.value
        if isinstance(items, dict):
            items = items.get(_COLLECTIONS[d.type]) or []
        elif hasattr(items, _COLLECTIONS[d.type]):
            items = getattr(items, _COLLECTIONS[d.type])
        return {d.type: {_COLLECTIONS[d.type]: list(items)}}
    raise TypeError(f'cannot send a {d.type!r} datum to the host')


def python_to_typed_data(obj: Any, data_type: str = 'undefined') -> dict:
    """The generic binding's encoding (B8)."""
    if obj is None:
        return {}
    if isinstance(obj, Datum):
        return datum_to_typed_data(obj)
    if isinstance(obj, (bytes, bytearray, memoryview)):
        if data_type == 'string':
            return {'string': bytes(obj).decode('utf-8', 'replace')}
        return {'bytes': bytes(obj)}
    if isinstance(obj, str):
        if data_type == 'binary':
            return {'bytes': obj.encode('utf-8')}
        return {'string': obj}
    if isinstance(obj, bool):
        return {'json': json.dumps(obj)}
    if isinstance(obj, int):
        return {'int': obj}
    if isinstance(obj, float):
        return {'double': obj}
    if isinstance(obj, (dict, list, tuple)):
        return {'json': json.dumps(obj, default=str)}
    raise TypeError(
        f'unsupported type {type(obj).__name__} for a generic output binding '
        f'(use str, bytes, int, float, dict or list)')


# ---- decoding parameters ---------------------------------------------------

def generic_decode(datum: Optional[Datum], data_type: str, pytype) -> Any:
    if datum is None:
        return None
    value = datum.value
    if datum.type == 'http':
        return datum.python_value if hasattr(datum, 'python_value') else value
    if datum.type in _COLLECTIONS:
        return list(value)
    if data_type == 'binary' and isinstance(value, str):
        return value.encode('utf-8')
    if data_type == 'string' and isinstance(value, (bytes, bytearray)):
        return bytes(value).decode('utf-8', 'replace')
    if datum.type == 'json' and pytype in (dict, list):
        return json.loads(value)
    if pytype is bytes and isinstance(value, str):
        return value.encode('utf-8')
    if pytype is str and isinstance(value, (bytes, bytearray)):
        return bytes(value).decode('utf-8', 'replace')
    return value


def accepts_annotation(conv, pytype) -> bool:
    """Whether an input converter takes this annotation (None: no annotation)."""
    if pytype is None or isinstance(pytype, str):
        return True
    try:
        return bool(conv.check_input_type_annotation(pytype))
    except Exception:
        return True


def _takes_pytype(conv) -> bool:
    import inspect
    try:
        return 'pytype' in inspect.signature(conv.decode).parameters
    except (TypeError, ValueError):
        return False


def decode_param(binding_type: str, data_type: str, datum: Optional[Datum],
                 pytype, trigger_metadata: Dict[str, Datum]) -> Any:
    conv = get_converter(binding_type)
    if conv is None:
        return generic_decode(datum, data_type, pytype)
    # A str/bytes parameter on a trigger whose converter wants its own type
    # (queueTrigger: func.QueueMessage) gets the generic value (B8).
    if pytype in (str, bytes) and not accepts_annotation(conv, pytype):
        return generic_decode(datum, data_type, pytype)
    if _takes_pytype(conv):  # blob: str/bytes annotations get the content
        return conv.decode(datum, trigger_metadata=trigger_metadata,
                           pytype=pytype)
    return conv.decode(datum, trigger_metadata=trigger_metadata)


# ---- per-function plans ----------------------------------------------------
# Built once when a function loads: each parameter's decoder and each output's
# encoder with the converter already looked up, so an invocation does no
# registry lookups and no per-call annotation checks.

def _library_http():
    try:
        from azure.functions import http as fhttp
        return fhttp
    except ImportError:  # pragma: no cover
        return None


def input_decoder(binding_type: str, data_type: str, pytype):
    """(decode(typed_data, trigger_metadata_datums), needs_trigger_metadata):
    the same result as decode_param(typed_data_to_datum(typed_data), ...)."""
    conv = get_converter(binding_type)
    if conv is None or (pytype in (str, bytes) and
                        not accepts_annotation(conv, pytype)):
        def generic(td, tm):
            return generic_decode(typed_data_to_datum(td), data_type, pytype)
        return generic, False
    fhttp = _library_http()
    if fhttp is not None and conv is getattr(fhttp, 'HttpRequestConverter',
                                             None):
        decode_rpc_http = fhttp.decode_rpc_http

        def http(td, tm):
            if td and 'http' in td:
                return decode_rpc_http(td['http'])
            return conv.decode(typed_data_to_datum(td), trigger_metadata=tm)
        return http, False
    if _takes_pytype(conv):  # blob: str/bytes annotations get the content
        def with_pytype(td, tm):
            return conv.decode(typed_data_to_datum(td), trigger_metadata=tm,
                               pytype=pytype)
        return with_pytype, True

    def plain(td, tm):
        return conv.decode(typed_data_to_datum(td), trigger_metadata=tm)
    return plain, True


def output_encoder(binding_type: str, data_type: str, pytype):
    """encode(value) -> TypedData dict, the same as encode_value(...)."""
    conv = get_converter(binding_type)
    fhttp = _library_http() if conv is not None else None
    if fhttp is not None and conv is getattr(fhttp, 'HttpResponseConverter',
                                             None):
        encode_rpc_http = fhttp.encode_rpc_http

        def http(obj):
            if obj is None:
                return {}
            td = encode_rpc_http(obj)
            if td is None:
                return encode_value(binding_type, data_type, obj, pytype)
            return td
        return http

    def general(obj):
        return encode_value(binding_type, data_type, obj, pytype)
    return general


def encode_value(binding_type: str, data_type: str, obj: Any,
                 pytype) -> dict:
    if obj is None:
        return {}
    conv = get_converter(binding_type)
    if conv is not None:
        try:
            datum = conv.encode(obj, expected_type=pytype)
        except NotImplementedError as e:
            if binding_type.lower() in _STORAGE_OUTPUTS:
                return _storage_fallback(binding_type, obj, e)
            datum = None
        if datum is not None:
            return datum_to_typed_data(datum)
    if binding_type == 'http':
        return _fallback_http(obj)
    return python_to_typed_data(obj, data_type)


_STORAGE_OUTPUTS = ('queue', 'blob')


def _storage_fallback(binding_type: str, obj: Any, err: Exception) -> dict:
    """A queue output also takes any JSON-serialisable value (one message;
    a list: one message per item); anything else, and any blob value the
    library cannot convert, is a clear TypeError naming binding and type."""
    if binding_type.lower() == 'queue' and isinstance(
            obj, (dict, list, tuple, int, float, bool)):
        try:
            return {'json': json.dumps(obj)}
        except (TypeError, ValueError) as e:
            raise TypeError(
                f'the {binding_type!r} output binding cannot send a value of '
                f'type {type(obj).__name__}: it is not JSON-serialisable '
                f'({e})') from None
    raise TypeError(f'{err}') from None


def _fallback_http(obj) -> dict:
    """http output without the library's converter: str/bytes/dict bodies."""
    if isinstance(obj, (str, bytes)):
        body = obj.encode('utf-8') if isinstance(obj, str) else obj
        return {'http': {'status_code': '200', 'headers': {
            'Content-Type': 'text/plain; charset=utf-8'},
            'body': {'bytes': body}}}
    raise TypeError(f'cannot convert {type(obj).__name__} to an HTTP response')


def is_out_annotation(ann) -> bool:
    """True for func.Out / func.Out[T]."""
    if ann is None:
        return False
    origin = typing.get_origin(ann) or ann
    try:
        from azure.functions import _abc
        return isinstance(origin, type) and issubclass(origin, _abc.Out)
    except ImportError:  # pragma: no cover
        return getattr(origin, '__name__', '') == 'Out'


def out_inner_type(ann):
    args = typing.get_args(ann)
    return args[0] if args else None


class _OutValue:
    def __init__(self) -> None:
        self._value = None

    def set(self, val) -> None:
        self._value = val

    def get(self):
        return self._value


try:
    from azure.functions import _abc as _fabc

    class OutValue(_OutValue, _fabc.Out):
        """The concrete func.Out handed to functions."""
except ImportError:  # pragma: no cover
    OutValue = _OutValue  # type: ignore[misc]
