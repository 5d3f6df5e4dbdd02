"""azure.functions.meta: Datum, registry, converter base classes."""

import datetime
import typing

import pytest

import azure.functions as func
from azure.functions import meta


def test_datum_eq_hash_repr():
    a = meta.Datum('x', 'string')
    assert a == meta.Datum(value='x', type='string')
    assert a != meta.Datum('x', 'bytes')
    assert a != 'x'
    assert hash(a) == hash(meta.Datum('x', 'string'))
    assert repr(a) == "<Datum string 'x'>"
    assert repr(meta.Datum('0123456789abc', 'string')) == \
        "<Datum string '012345678...>"
    # unhashable values still hash
    hash(meta.Datum({'a': meta.Datum('1', 'string')}, 'http'))


@pytest.mark.parametrize('datum, expected', [
    (meta.Datum('s', 'string'), 's'),
    (meta.Datum(b'b', 'bytes'), b'b'),
    (meta.Datum(3, 'int'), 3),
    (meta.Datum(1.5, 'double'), 1.5),
    (meta.Datum('{"a": [1]}', 'json'), {'a': [1]}),
    (meta.Datum(['a', 'b'], 'collection_string'), ['a', 'b']),
    (meta.Datum({'string': ['a']}, 'collection_string'), ['a']),
    (meta.Datum({'bytes': [b'x']}, 'collection_bytes'), [b'x']),
    (meta.Datum({'double': [1.0]}, 'collection_double'), [1.0]),
    (meta.Datum({'sint64': [1, 2]}, 'collection_sint64'), [1, 2]),
    (meta.Datum(None, 'string'), None),
    (meta.Datum('x', None), None),
])
def test_datum_python_value(datum, expected):
    assert datum.python_value == expected
    assert datum.python_type is type(expected)


def test_registry_contents():
    reg = meta.get_binding_registry()
    for name in ('httpTrigger', 'http', 'blob', 'blobTrigger', 'queue',
                 'queueTrigger', 'timerTrigger', 'cosmosDB',
                 'cosmosDBTrigger', 'eventHub', 'eventHubTrigger',
                 'eventGrid', 'eventGridTrigger', 'serviceBus',
                 'serviceBusTrigger', 'sql', 'kafka', 'kafkaTrigger',
                 'orchestrationTrigger', 'activityTrigger', 'entityTrigger',
                 'warmupTrigger'):
        assert reg.get(name) is not None, name
    assert reg.get('notARealBinding') is None
    assert reg.get('blob') is reg.get('blobTrigger')
    assert func.get_binding_registry() is reg


def test_trigger_support_flags():
    reg = meta.get_binding_registry()
    assert reg.get('httpTrigger').has_trigger_support()
    assert reg.get('queueTrigger').has_trigger_support()
    assert reg.get('blob').has_trigger_support()
    assert not reg.get('queue').has_trigger_support()
    assert not reg.get('http').has_trigger_support()


def test_implicit_output_flags():
    reg = meta.get_binding_registry()
    assert reg.get('activityTrigger').has_implicit_output()
    assert reg.get('orchestrationTrigger').has_implicit_output()
    assert not reg.get('queueTrigger').has_implicit_output()
    assert not reg.get('queue').has_implicit_output()


def test_custom_converter_registration_and_duplicate():
    class MyConverter(meta.InConverter, meta.OutConverter,
                      binding='pyfnTestBinding', trigger='pyfnTestTrigger'):
        @classmethod
        def check_input_type_annotation(cls, pytype):
            return pytype is str

        @classmethod
        def check_output_type_annotation(cls, pytype):
            return pytype is str

        @classmethod
        def decode(cls, data, *, trigger_metadata):
            return data.value.upper()

        @classmethod
        def encode(cls, obj, *, expected_type):
            return meta.Datum(obj.lower(), 'string')

    reg = meta.get_binding_registry()
    try:
        assert reg.get('pyfnTestBinding') is MyConverter
        assert reg.get('pyfnTestTrigger') is MyConverter
        assert MyConverter.has_trigger_support()
        assert MyConverter.decode(meta.Datum('a', 'string'),
                                  trigger_metadata={}) == 'A'
        with pytest.raises(RuntimeError):
            class Dup(meta.InConverter, binding='pyfnTestBinding'):
                pass
    finally:
        reg._bindings.pop('pyfnTestBinding', None)
        reg._bindings.pop('pyfnTestTrigger', None)


def test_is_iterable_type_annotation():
    assert meta.is_iterable_type_annotation(typing.List[str], str)
    assert meta.is_iterable_type_annotation(list[str], str)
    assert meta.is_iterable_type_annotation(
        typing.Iterable[func.QueueMessage], (func.QueueMessage, str))
    assert not meta.is_iterable_type_annotation(typing.List[int], str)
    assert not meta.is_iterable_type_annotation(str, str)
    assert not meta.is_iterable_type_annotation(typing.List, str)


class _Conv(meta.InConverter, binding=None):
    @classmethod
    def check_input_type_annotation(cls, pytype):
        return True

    @classmethod
    def decode(cls, data, *, trigger_metadata):
        return None


@pytest.mark.parametrize('value, expected', [
    ('2018-08-07T23:17:57.461050Z',
     datetime.datetime(2018, 8, 7, 23, 17, 57, 461050,
                       tzinfo=datetime.timezone.utc)),
    ('2018-08-07T23:17:57.4610501Z',  # .NET: 7 fractional digits
     datetime.datetime(2018, 8, 7, 23, 17, 57, 461050,
                       tzinfo=datetime.timezone.utc)),
    ('2018-08-07T23:17:57+00:00',
     datetime.datetime(2018, 8, 7, 23, 17, 57,
                       tzinfo=datetime.timezone.utc)),
    ('2018-08-07T23:17:57.1234567+00:00',
     datetime.datetime(2018, 8, 7, 23, 17, 57, 123456,
                       tzinfo=datetime.timezone.utc)),
    ('2018-08-07T23:17:57-00:00',
     datetime.datetime(2018, 8, 7, 23, 17, 57,
                       tzinfo=datetime.timezone.utc)),
    ('2018-08-07T23:17:57.5',
     datetime.datetime(2018, 8, 7, 23, 17, 57, 500000)),
    ('2018-08-07T23:17:57',
     datetime.datetime(2018, 8, 7, 23, 17, 57)),
])
def test_parse_datetime(value, expected):
    got = _Conv._parse_datetime(value)
    assert got == expected
    assert (got.tzinfo is None) == (expected.tzinfo is None)


def test_parse_datetime_other_offset_and_errors():
    got = _Conv._parse_datetime('2018-08-07T23:17:57+02:00')
    assert got.utcoffset() == datetime.timedelta(hours=2)
    with pytest.raises(ValueError):
        _Conv._parse_datetime('not a date')
    assert _Conv._parse_datetime(None) is None


@pytest.mark.parametrize('value, expected', [
    ('00:05:00', datetime.timedelta(minutes=5)),
    ('1.02:03:04', datetime.timedelta(days=1, hours=2, minutes=3,
                                      seconds=4)),
    ('00:00:01.5000000', datetime.timedelta(seconds=1.5)),
    ('-00:00:10', datetime.timedelta(seconds=-10)),
    ('30', datetime.timedelta(seconds=30)),
])
def test_parse_timedelta(value, expected):
    assert _Conv._parse_timedelta(value) == expected


def test_decode_trigger_metadata_field_coercion():
    md = {'Count': meta.Datum('5', 'string'),
          'Obj': meta.Datum('{"a": 1}', 'json'),
          'Num': meta.Datum(7, 'int')}
    assert _Conv._decode_trigger_metadata_field(
        md, 'Count', python_type=int) == 5
    assert _Conv._decode_trigger_metadata_field(
        md, 'Obj', python_type=dict) == {'a': 1}
    assert _Conv._decode_trigger_metadata_field(
        md, 'Num', python_type=str) == '7'
    assert _Conv._decode_trigger_metadata_field(
        md, 'Missing', python_type=str) is None
    with pytest.raises(ValueError):
        _Conv._decode_trigger_metadata_field(
            {'X': meta.Datum('abc', 'string')}, 'X', python_type=int)
