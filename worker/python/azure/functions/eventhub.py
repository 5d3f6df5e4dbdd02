"""Converters for the ``eventHub`` / ``eventHubTrigger`` bindings."""

import json
import typing

from . import _eventhub
from . import _utils
from . import meta

__all__ = ('EventHubConverter', 'EventHubTriggerConverter')

_EVENT = _eventhub.EventHubEvent


_body_bytes = _utils.body_bytes


class EventHubConverter(meta.InConverter, meta.OutConverter,
                        binding='eventHub'):

    @classmethod
    def check_input_type_annotation(cls, pytype: type) -> bool:
        return (meta.is_iterable_type_annotation(pytype, _EVENT)
                or _utils.safe_issubclass(pytype, _EVENT))

    @classmethod
    def check_output_type_annotation(cls, pytype: type) -> bool:
        return (meta.is_iterable_type_annotation(pytype, str)
                or _utils.safe_issubclass(pytype, (str, bytes)))

    @classmethod
    def decode(cls, data: meta.Datum, *, trigger_metadata=None):
        if data.type in ('string', 'bytes', 'json'):
            return _EVENT(body=_body_bytes(data.value))
        if data.type in ('collection_bytes', 'collection_string'):
            kind = 'bytes' if data.type == 'collection_bytes' else 'string'
            return [_EVENT(body=_body_bytes(v))
                    for v in _utils.collection_items(data.value, kind)]
        raise _utils.unsupported_datum(cls._binding_name, data.type)

    @classmethod
    def encode(cls, obj: typing.Any, *,
               expected_type: typing.Optional[type] = None) -> meta.Datum:
        if isinstance(obj, str):
            return meta.Datum(type='string', value=obj)
        if isinstance(obj, (bytes, bytearray)):
            return meta.Datum(type='bytes', value=bytes(obj))
        if isinstance(obj, bool):
            raise _utils.unsupported(cls._binding_name, obj)
        if isinstance(obj, int):
            return meta.Datum(type='int', value=obj)
        if isinstance(obj, list):
            return meta.Datum(type='json', value=json.dumps(obj))
        raise _utils.unsupported(cls._binding_name, obj,
                                 'str, bytes, int or list')


class EventHubTriggerConverter(EventHubConverter, binding='eventHubTrigger',
                               trigger=True):

    @classmethod
    def decode(cls, data: meta.Datum, *, trigger_metadata=None):
        md = trigger_metadata or {}
        if 'SystemPropertiesArray' in md or data.type in (
                'collection_bytes', 'collection_string'):
            return cls._decode_many(data, md)
        return cls._decode_one(data, md)

    @classmethod
    def _decode_one(cls, data: meta.Datum, md) -> _EVENT:
        if data.type not in ('string', 'bytes', 'json'):
            raise _utils.unsupported_datum(cls._binding_name, data.type)
        return _EVENT(
            body=_body_bytes(data.value),
            trigger_metadata=md,
            enqueued_time=cls._parse_datetime_metadata(md, 'EnqueuedTimeUtc'),
            partition_key=cls._decode_trigger_metadata_field(
                md, 'PartitionKey', python_type=str),
            sequence_number=cls._decode_trigger_metadata_field(
                md, 'SequenceNumber', python_type=int),
            offset=cls._decode_trigger_metadata_field(
                md, 'Offset', python_type=str),
            iothub_metadata=cls._iothub_metadata(md))

    @classmethod
    def _decode_many(cls, data: meta.Datum, md) -> typing.List[_EVENT]:
        bodies = _utils.batch_bodies(cls._binding_name, data)
        props: list = []
        if md.get('SystemPropertiesArray') is not None:
            props = md['SystemPropertiesArray'].python_value or []
        events = []
        for i, body in enumerate(bodies):
            p = props[i] if i < len(props) and isinstance(props[i], dict) \
                else {}
            seq = p.get('SequenceNumber')
            off = p.get('Offset')
            events.append(_EVENT(
                body=_body_bytes(body),
                trigger_metadata=md,
                enqueued_time=cls._parse_datetime(p.get('EnqueuedTimeUtc')),
                partition_key=p.get('PartitionKey'),
                sequence_number=None if seq is None else int(seq),
                offset=None if off is None else str(off),
                iothub_metadata={k[len('iothub-'):]: v for k, v in p.items()
                                 if k.startswith('iothub-')}))
        return events

    @classmethod
    def _iothub_metadata(cls, md) -> typing.Dict[str, str]:
        out = {}
        for k in md:
            if k.startswith('iothub-'):
                out[k[len('iothub-'):]] = cls._decode_trigger_metadata_field(
                    md, k, python_type=str)
        if not out and md.get('SystemProperties') is not None:
            sp = md['SystemProperties'].python_value
            if isinstance(sp, dict):
                out = {k[len('iothub-'):]: v for k, v in sp.items()
                       if k.startswith('iothub-')}
        return out
