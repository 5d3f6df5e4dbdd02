"""Internal helpers shared by the binding converters (pyfn)."""

import collections
import collections.abc
import datetime
import json
import re
import typing

__all__ = ()


class UnsupportedTypeError(TypeError, NotImplementedError):
    """A value of a type that a binding cannot carry.

    A ``TypeError`` (the documented error) that is also a
    ``NotImplementedError`` (what the public converters raise), so callers
    written against either keep working.
    """


def unsupported(binding: str, obj: typing.Any, expected: str = '') -> \
        UnsupportedTypeError:
    msg = (f'the {binding!r} binding cannot convert a value of type '
           f'{type(obj).__module__}.{type(obj).__qualname__}'
           if type(obj).__module__ != 'builtins'
           else f'the {binding!r} binding cannot convert a value of type '
                f'{type(obj).__name__}')
    if expected:
        msg += f'; expected {expected}'
    return UnsupportedTypeError(msg)


def unsupported_datum(binding: str, data_type: typing.Any,
                      expected: str = '') -> UnsupportedTypeError:
    msg = (f'the {binding!r} binding cannot decode data of type '
           f'{data_type!r}')
    if expected:
        msg += f'; expected {expected}'
    return UnsupportedTypeError(msg)


def safe_issubclass(pytype: typing.Any, classes) -> bool:
    """issubclass() that answers False for non-class annotations."""
    return isinstance(pytype, type) and issubclass(pytype, classes)


def collection_items(value: typing.Any, kind: str) -> list:
    """Items of a collection_* payload.

    The worker may hand the collection as a plain list, as the proto-shaped
    dict ``{"string": [...]}`` or as an object with a ``.string`` attribute.
    """
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, dict):
        return list(value.get(kind) or [])
    return list(getattr(value, kind, None) or [])


# --- date and time -------------------------------------------------------
# The formats and results follow the public package's meta helpers: for every
# string it accepts, the same value (aware in UTC for Z/+00:00/-00:00, naive
# without a zone). pyfn also accepts, where the public package raises
# ValueError: other +hh:mm offsets (aware in that offset), "m/d/Y H:M:S"
# without a zone (naive), surrounding whitespace, and .NET TimeSpans beyond
# "H:M:S" (days, fractions, a sign, 24 hours or more). It honours a "+hhmm"
# offset after a seven-digit fraction, which the public package drops.

# .NET writes up to seven fractional digits, strptime's %f takes six: the rest
# is cut, and (as in the public package) anything after the optional zone.
_TOO_FRACTIONAL = re.compile(r'(.*\.\d{6})(\d+)(Z|[+-]\d{1,2}:\d{1,2})?')

_UTC_FORMATS = (
    '%Y-%m-%dT%H:%M:%S+00:00',
    '%Y-%m-%dT%H:%M:%S-00:00',
    '%Y-%m-%dT%H:%M:%S.%f+00:00',
    '%Y-%m-%dT%H:%M:%S.%f-00:00',
    '%Y-%m-%dT%H:%M:%SZ',
    '%Y-%m-%dT%H:%M:%S.%fZ',
    '%m/%d/%Y %H:%M:%SZ',
    '%m/%d/%Y %H:%M:%S.%fZ',
    '%m/%d/%Y %H:%M:%S+00:00',
    '%m/%d/%Y %H:%M:%S-00:00',
    '%m/%d/%Y %H:%M:%S.%f+00:00',
    '%m/%d/%Y %H:%M:%S.%f-00:00',
)

_LOCAL_FORMATS = (
    '%Y-%m-%dT%H:%M:%S.%f',
    '%Y-%m-%dT%H:%M:%S',
    '%m/%d/%YT%H:%M:%S.%f',
    '%m/%d/%YT%H:%M:%S',
    # pyfn: also without the T (.NET's invariant DateTime text).
    '%m/%d/%Y %H:%M:%S.%f',
    '%m/%d/%Y %H:%M:%S',
)

# pyfn: any other offset.
_OFFSET_FORMATS = (
    '%Y-%m-%dT%H:%M:%S%z',
    '%Y-%m-%dT%H:%M:%S.%f%z',
    '%m/%d/%Y %H:%M:%S%z',
    '%m/%d/%Y %H:%M:%S.%f%z',
)

_ZONE_AFTER_FRACTION = re.compile(r'^(.*\.\d{6})\d+([+-]\d{2}:?\d{2})$')


def try_parse_datetime_with_formats(datetime_str: str, formats):
    """(datetime, matched format, None) or (None, None, last error)."""
    error: typing.Optional[Exception] = None
    for fmt in formats:
        try:
            return datetime.datetime.strptime(datetime_str, fmt), fmt, None
        except ValueError as e:
            error = e
    return None, None, error


def _parse_exact(s: str) -> typing.Optional[datetime.datetime]:
    dt, _, utc_error = try_parse_datetime_with_formats(s, _UTC_FORMATS)
    if dt is not None:
        return dt.replace(tzinfo=datetime.timezone.utc)
    dt, _, _ = try_parse_datetime_with_formats(s, _LOCAL_FORMATS)
    if dt is not None:
        return dt
    dt, _, _ = try_parse_datetime_with_formats(s, _OFFSET_FORMATS)
    if dt is not None:
        return dt
    assert utc_error is not None
    raise utc_error


def parse_datetime(value: typing.Optional[str]) \
        -> typing.Optional[datetime.datetime]:
    """Parse the host's date-times (``meta.Converter._parse_datetime``).

    None and '' give None; a string no format takes raises ValueError.
    """
    if isinstance(value, datetime.datetime):
        return value
    if not value:
        return None
    s = str(value).strip()
    if not s:
        return None
    zoned = _ZONE_AFTER_FRACTION.match(s)
    if zoned:
        s = zoned.group(1) + zoned.group(2)
    else:
        m = _TOO_FRACTIONAL.match(s)
        if m:
            s = m.group(1) + (m.group(3) or '')
    return _parse_exact(s)


_MINUTES_SECONDS = re.compile(r'^(\d{1,2}):(\d{1,2})$')
_TIMESPAN = re.compile(
    r'^(?P<sign>-)?(?:(?P<days>\d+)\.)?(?P<h>\d{1,2}):(?P<m>\d{1,2})'
    r':(?P<s>\d{1,2})(?:\.(?P<f>\d+))?$')


def parse_timedelta(value: typing.Optional[str]) \
        -> typing.Optional[datetime.timedelta]:
    """Parse a time span (``meta.Converter._parse_timedelta``).

    As the public package: ``H:M:S``, ``M:S`` (minutes and seconds, not .NET's
    hours and minutes) or whole seconds; None and '' give None. pyfn also
    takes .NET's ``[-][d.]hh:mm:ss[.fffffff]`` and fractional seconds.
    """
    if isinstance(value, datetime.timedelta):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.timedelta(seconds=value)
    if not value:
        return None
    s = str(value).strip()
    m = _MINUTES_SECONDS.match(s)
    if m:
        minutes, seconds = int(m.group(1)), int(m.group(2))
        if minutes > 59 or seconds > 61:  # strptime's %M and %S
            raise ValueError(f'cannot parse time span {value!r}: '
                             f'M:S out of range')
        return datetime.timedelta(minutes=minutes, seconds=seconds)
    m = _TIMESPAN.match(s)
    if m is None:
        try:
            return datetime.timedelta(seconds=int(s))
        except ValueError:
            pass
        try:
            return datetime.timedelta(seconds=float(s))
        except (ValueError, OverflowError):
            raise ValueError(f'cannot parse time span {value!r}') from None
    minutes, seconds = int(m.group('m')), int(m.group('s'))
    if minutes > 59 or seconds > 61:
        raise ValueError(f'cannot parse time span {value!r}: '
                         f'minutes or seconds out of range')
    frac = (m.group('f') or '0')[:6].ljust(6, '0')
    td = datetime.timedelta(
        days=int(m.group('days') or 0), hours=int(m.group('h')),
        minutes=minutes, seconds=seconds, microseconds=int(frac))
    return -td if m.group('sign') else td


def format_datetime(dt: typing.Optional[datetime.datetime]) \
        -> typing.Optional[str]:
    return None if dt is None else dt.isoformat()


def json_loads(data: typing.Union[str, bytes, bytearray]) -> typing.Any:
    if isinstance(data, (bytes, bytearray)):
        data = bytes(data).decode('utf-8')
    return json.loads(data)


class JsonDictMixin:
    """The dict behaviour of Document and SqlRow (mixed in before their
    abstract base, with ``collections.UserDict``)."""

    @classmethod
    def from_json(cls, json_data: str):
        return cls.from_dict(json.loads(json_data))

    @classmethod
    def from_dict(cls, dct: dict):
        return cls(dict(dct))  # type: ignore[call-arg]

    def to_json(self) -> str:
        return json.dumps(dict(self))  # type: ignore[call-overload]

    def __getitem__(self, key):
        return collections.UserDict.__getitem__(self, key)  # type: ignore

    def __setitem__(self, key, value):
        collections.UserDict.__setitem__(self, key, value)  # type: ignore


def decode_json_rows(binding: str, data: typing.Any, row_type: typing.Any,
                     list_type: typing.Any, expected: str = ''):
    """A string/bytes/json datum holding a JSON object or list -> a
    ``list_type`` of ``row_type.from_dict`` rows (``None`` rows kept)."""
    if data is None or data.type is None:
        return None
    if data.type in ('string', 'json'):
        body = data.value
    elif data.type == 'bytes':
        body = bytes(data.value).decode('utf-8')
    else:
        raise unsupported_datum(binding, data.type, expected)
    rows = json.loads(body)
    if not isinstance(rows, list):
        rows = [rows]
    return list_type(
        None if row is None else row_type.from_dict(row) for row in rows)


def encode_json_rows(binding: str, obj: typing.Any, row_type: typing.Any,
                     item_expected: str, expected: str) -> str:
    """One ``row_type`` or an iterable of them -> a JSON list of objects."""
    if isinstance(obj, row_type):
        rows = [obj]
    elif isinstance(obj, collections.abc.Iterable) and \
            not isinstance(obj, (str, bytes, dict)):
        rows = list(obj)
        for row in rows:
            if not isinstance(row, row_type):
                raise unsupported(binding, row, item_expected)
    else:
        raise unsupported(binding, obj, expected)
    return json.dumps([dict(r) for r in rows])


def encode_messages(binding: str, obj: typing.Any, msg_type: typing.Any,
                    to_dict: typing.Callable[[typing.Any], typing.Any],
                    item_expected: str, expected: str):
    """str -> string, bytes -> bytes, a ``msg_type`` -> its ``to_dict`` as
    JSON, an iterable of str/``msg_type`` -> a JSON list.  Returns the
    ``(type, value)`` of the datum."""
    if isinstance(obj, str):
        return 'string', obj
    if isinstance(obj, (bytes, bytearray)):
        return 'bytes', bytes(obj)
    if isinstance(obj, msg_type):
        return 'json', json.dumps(to_dict(obj))
    if isinstance(obj, collections.abc.Iterable) and \
            not isinstance(obj, collections.abc.Mapping):
        msgs: typing.List[typing.Any] = []
        for item in obj:
            if isinstance(item, str):
                msgs.append(item)
            elif isinstance(item, msg_type):
                msgs.append(to_dict(item))
            else:
                raise unsupported(binding, item, item_expected)
        return 'json', json.dumps(msgs)
    raise unsupported(binding, obj, expected)


def body_bytes(value: typing.Any) -> bytes:
    """A message body as bytes: str as UTF-8, bytes as is, anything else
    as its JSON text."""
    if isinstance(value, str):
        return value.encode('utf-8')
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    return json.dumps(value).encode('utf-8')


def batch_bodies(binding: str, data: typing.Any) -> list:
    """The bodies of a batch datum: collection_bytes, collection_string or
    a JSON list."""
    if data.type == 'collection_bytes':
        return collection_items(data.value, 'bytes')
    if data.type == 'collection_string':
        return collection_items(data.value, 'string')
    if data.type == 'json':
        return json.loads(data.value)
    raise unsupported_datum(binding, data.type)
