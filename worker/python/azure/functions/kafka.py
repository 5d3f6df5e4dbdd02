"""KafkaEvent and the ``kafka`` / ``kafkaTrigger`` converters."""

import json
import typing

from . import _utils
from . import meta
from ._kafka import AbstractKafkaEvent

__all__ = ('KafkaEvent', 'KafkaConverter', 'KafkaTriggerConverter')


class KafkaEvent(AbstractKafkaEvent):
    """A Kafka event."""

    def __init__(self, *, body: bytes,
                 trigger_metadata: typing.Optional[
                     typing.Mapping[str, typing.Any]] = None,
                 key: typing.Optional[str] = None,
                 offset: typing.Optional[int] = None,
                 partition: typing.Optional[int] = None,
                 topic: typing.Optional[str] = None,
                 timestamp: typing.Optional[str] = None,
                 headers: typing.Optional[list] = None) -> None:
        self.__body = body
        self.__trigger_metadata = trigger_metadata
        self.__key = key
        self.__offset = offset
        self.__partition = partition
        self.__topic = topic
        self.__timestamp = timestamp
        self.__headers = headers
        self._trigger_metadata_pyobj: typing.Optional[dict] = None

    def get_body(self) -> bytes:
        return self.__body

    @property
    def key(self) -> typing.Optional[str]:
        return self.__key

    @property
    def offset(self) -> typing.Optional[int]:
        return self.__offset

    @property
    def partition(self) -> typing.Optional[int]:
        return self.__partition

    @property
    def topic(self) -> typing.Optional[str]:
        return self.__topic

    @property
    def timestamp(self) -> typing.Optional[str]:
        return self.__timestamp

    @property
    def headers(self) -> typing.Optional[list]:
        return self.__headers

    @property
    def metadata(self) -> typing.Optional[typing.Dict[str, typing.Any]]:
        if self.__trigger_metadata is None:
            return None
        if self._trigger_metadata_pyobj is None:
            self._trigger_metadata_pyobj = {
                k: getattr(v, 'value', v)
                for k, v in self.__trigger_metadata.items()}
        return self._trigger_metadata_pyobj

    def __repr__(self) -> str:
        return (f'<azure.KafkaEvent key={self.key} '
                f'partition={self.partition} offset={self.offset} '
                f'topic={self.topic} timestamp={self.timestamp} '
                f'at 0x{id(self):0x}>')


_body = _utils.body_bytes


def _bodies(data: meta.Datum) -> typing.List[bytes]:
    kind = 'bytes' if data.type == 'collection_bytes' else 'string'
    return [_body(v) for v in _utils.collection_items(data.value, kind)]


class KafkaConverter(meta.InConverter, meta.OutConverter, binding='kafka'):

    @classmethod
    def check_input_type_annotation(cls, pytype) -> bool:
        return (meta.is_iterable_type_annotation(pytype, KafkaEvent)
                or _utils.safe_issubclass(pytype, KafkaEvent))

    @classmethod
    def check_output_type_annotation(cls, pytype) -> bool:
        return (meta.is_iterable_type_annotation(pytype, str)
                or _utils.safe_issubclass(pytype, (str, bytes)))

    @classmethod
    def decode(cls, data: meta.Datum, *, trigger_metadata=None):
        if data.type in ('string', 'bytes', 'json'):
            return KafkaEvent(body=_body(data.value))
        if data.type in ('collection_bytes', 'collection_string'):
            return [KafkaEvent(body=b) for b in _bodies(data)]
        raise _utils.unsupported_datum(cls._binding_name, data.type)

    @classmethod
    def encode(cls, obj: typing.Any, *,
               expected_type: typing.Optional[type] = None) -> meta.Datum:
        if isinstance(obj, str):
            return meta.Datum(type='string', value=obj)
        if isinstance(obj, (bytes, bytearray)):
            return meta.Datum(type='bytes', value=bytes(obj))
        if isinstance(obj, list) and all(isinstance(x, str) for x in obj):
            return meta.Datum(type='json', value=json.dumps(obj))
        raise _utils.unsupported(cls._binding_name, obj,
                                 'str, bytes or a list of str')


class KafkaTriggerConverter(KafkaConverter, binding='kafkaTrigger',
                            trigger=True):

    @classmethod
    def decode(cls, data: meta.Datum, *, trigger_metadata=None):
        md = trigger_metadata or {}
        if data.type in ('string', 'bytes', 'json'):
            return KafkaEvent(
                body=_body(data.value), trigger_metadata=md,
                timestamp=cls._decode_trigger_metadata_field(
                    md, 'Timestamp', python_type=str),
                key=cls._decode_trigger_metadata_field(
                    md, 'Key', python_type=str),
                partition=cls._decode_trigger_metadata_field(
                    md, 'Partition', python_type=int),
                offset=cls._decode_trigger_metadata_field(
                    md, 'Offset', python_type=int),
                topic=cls._decode_trigger_metadata_field(
                    md, 'Topic', python_type=str),
                headers=cls._decode_trigger_metadata_field(
                    md, 'Headers', python_type=list))
        if data.type in ('collection_bytes', 'collection_string'):
            bodies = _bodies(data)

            def arr(name):
                d = md.get(name)
                v = None if d is None else d.python_value
                return v if isinstance(v, list) else []
            ts, keys, parts = arr('TimestampArray'), arr('KeyArray'), \
                arr('PartitionArray')
            offs, topics, hdrs = arr('OffsetArray'), arr('TopicArray'), \
                arr('HeadersArray')

            def at(a, i):
                return a[i] if i < len(a) else None
            return [KafkaEvent(body=b, trigger_metadata=md,
                               timestamp=at(ts, i), key=at(keys, i),
                               partition=at(parts, i), offset=at(offs, i),
                               topic=at(topics, i), headers=at(hdrs, i))
                    for i, b in enumerate(bodies)]
        raise _utils.unsupported_datum('kafkaTrigger', data.type)
