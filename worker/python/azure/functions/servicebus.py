"""ServiceBusMessage and the ``serviceBusTrigger`` / ``serviceBus``
converters."""

import datetime
from typing import Any, Dict, List, Mapping, Optional

from . import _servicebus as azf_sbus
from . import _utils
from . import meta

__all__ = ('ServiceBusMessage', 'ServiceBusMessageInConverter',
           'ServiceBusMessageOutConverter')


class ServiceBusMessage(azf_sbus.ServiceBusMessage):
    """A received Service Bus message."""

    def __init__(self, *, body: bytes,
                 trigger_metadata: Optional[Mapping[str, Any]] = None,
                 content_type: Optional[str] = None,
                 correlation_id: Optional[str] = None,
                 dead_letter_source: Optional[str] = None,
                 delivery_count: Optional[int] = None,
                 enqueued_time_utc: Optional[datetime.datetime] = None,
                 expires_at_utc: Optional[datetime.datetime] = None,
                 label: Optional[str] = None,
                 lock_token: Optional[str] = None,
                 message_id: Optional[str] = None,
                 partition_key: Optional[str] = None,
                 reply_to: Optional[str] = None,
                 reply_to_session_id: Optional[str] = None,
                 scheduled_enqueue_time_utc: Optional[datetime.datetime]
                 = None,
                 sequence_number: Optional[int] = None,
                 session_id: Optional[str] = None,
                 time_to_live: Optional[datetime.timedelta] = None,
                 to: Optional[str] = None,
                 user_properties: Optional[Dict[str, object]] = None) -> None:
        if isinstance(body, str):
            body = body.encode('utf-8')
        self.__body = body
        self.__trigger_metadata = trigger_metadata
        self.__values = dict(
            content_type=content_type, correlation_id=correlation_id,
            dead_letter_source=dead_letter_source,
            delivery_count=delivery_count,
            enqueued_time_utc=enqueued_time_utc,
            expires_at_utc=expires_at_utc, label=label,
            lock_token=lock_token, message_id=message_id,
            partition_key=partition_key, reply_to=reply_to,
            reply_to_session_id=reply_to_session_id,
            scheduled_enqueue_time_utc=scheduled_enqueue_time_utc,
            sequence_number=sequence_number, session_id=session_id,
            time_to_live=time_to_live, to=to,
            user_properties=user_properties if user_properties is not None
            else {})
        self._trigger_metadata_pyobj: Optional[Dict[str, Any]] = None

    def get_body(self) -> bytes:
        return self.__body

    content_type = property(lambda self: self.__values['content_type'])
    correlation_id = property(lambda self: self.__values['correlation_id'])
    dead_letter_source = property(
        lambda self: self.__values['dead_letter_source'])
    delivery_count = property(lambda self: self.__values['delivery_count'])
    enqueued_time_utc = property(
        lambda self: self.__values['enqueued_time_utc'])
    expires_at_utc = property(lambda self: self.__values['expires_at_utc'])
    # Deprecated alias of expires_at_utc (public API).
    expiration_time = property(lambda self: self.__values['expires_at_utc'])
    label = property(lambda self: self.__values['label'])
    lock_token = property(lambda self: self.__values['lock_token'])
    message_id = property(lambda self: self.__values['message_id'])
    partition_key = property(lambda self: self.__values['partition_key'])
    reply_to = property(lambda self: self.__values['reply_to'])
    reply_to_session_id = property(
        lambda self: self.__values['reply_to_session_id'])
    scheduled_enqueue_time_utc = property(
        lambda self: self.__values['scheduled_enqueue_time_utc'])
    # Deprecated alias of scheduled_enqueue_time_utc (public API).
    scheduled_enqueue_time = property(
        lambda self: self.__values['scheduled_enqueue_time_utc'])
    sequence_number = property(lambda self: self.__values['sequence_number'])
    session_id = property(lambda self: self.__values['session_id'])
    time_to_live = property(lambda self: self.__values['time_to_live'])
    to = property(lambda self: self.__values['to'])
    user_properties = property(lambda self: self.__values['user_properties'])

    @property
    def metadata(self) -> Optional[Dict[str, Any]]:
        if self.__trigger_metadata is None:
            return None
        if self._trigger_metadata_pyobj is None:
            self._trigger_metadata_pyobj = {
                k: getattr(v, 'python_value', v)
                for k, v in self.__trigger_metadata.items()}
        return self._trigger_metadata_pyobj

    def __repr__(self) -> str:
        return (f'<azure.functions.ServiceBusMessage '
                f'message_id={self.message_id} at 0x{id(self):0x}>')


_FIELDS = (
    # (constructor argument, metadata key, kind)
    ('content_type', 'ContentType', str),
    ('correlation_id', 'CorrelationId', str),
    ('dead_letter_source', 'DeadLetterSource', str),
    ('delivery_count', 'DeliveryCount', int),
    ('enqueued_time_utc', 'EnqueuedTimeUtc', 'datetime'),
    ('expires_at_utc', 'ExpiresAtUtc', 'datetime'),
    ('label', 'Label', str),
    ('lock_token', 'LockToken', str),
    ('message_id', 'MessageId', str),
    ('partition_key', 'PartitionKey', str),
    ('reply_to', 'ReplyTo', str),
    ('reply_to_session_id', 'ReplyToSessionId', str),
    ('scheduled_enqueue_time_utc', 'ScheduledEnqueueTimeUtc', 'datetime'),
    ('sequence_number', 'SequenceNumber', int),
    ('session_id', 'SessionId', str),
    ('time_to_live', 'TimeToLive', 'timedelta'),
    ('to', 'To', str),
    ('user_properties', 'UserProperties', dict),
)


def _body_bytes(value: Any) -> bytes:
    return b'' if value is None else _utils.body_bytes(value)


class ServiceBusMessageInConverter(meta.InConverter,
                                   binding='serviceBusTrigger', trigger=True):

    @classmethod
    def check_input_type_annotation(cls, pytype: type) -> bool:
        valid = azf_sbus.ServiceBusMessage
        return (meta.is_iterable_type_annotation(pytype, valid)
                or _utils.safe_issubclass(pytype, valid))

    @classmethod
    def decode(cls, data: meta.Datum, *, trigger_metadata=None):
        md = trigger_metadata or {}
        if 'UserPropertiesArray' in md or (data is not None and data.type in (
                'collection_bytes', 'collection_string')):
            return cls._decode_many(data, md)
        return cls._decode_one(data, md)

    @classmethod
    def _decode_one(cls, data: Optional[meta.Datum], md) -> ServiceBusMessage:
        if data is None or data.type is None:
            body = b''
        elif data.type in ('string', 'json', 'bytes'):
            body = _body_bytes(data.value)
        else:
            raise _utils.unsupported_datum('serviceBusTrigger', data.type)
        kwargs: Dict[str, Any] = {}
        for arg, key, kind in _FIELDS:
            if kind == 'datetime':
                kwargs[arg] = cls._parse_datetime_metadata(md, key)
            elif kind == 'timedelta':
                kwargs[arg] = cls._parse_timedelta_metadata(md, key)
            else:
                kwargs[arg] = cls._decode_trigger_metadata_field(
                    md, key, python_type=kind)
        return ServiceBusMessage(body=body, trigger_metadata=md, **kwargs)

    @classmethod
    def _decode_many(cls, data: meta.Datum, md) -> List[ServiceBusMessage]:
        bodies = _utils.batch_bodies('serviceBusTrigger', data)
        arrays: Dict[str, list] = {}
        for _, key, _kind in _FIELDS:
            datum = md.get(key + 'Array')
            value = None if datum is None else datum.python_value
            arrays[key] = value if isinstance(value, list) else []
        messages = []
        for i, body in enumerate(bodies):
            kwargs: Dict[str, Any] = {}
            for arg, key, kind in _FIELDS:
                arr = arrays[key]
                v = arr[i] if i < len(arr) else None
                if kind == 'datetime':
                    v = cls._parse_datetime(v)
                elif kind == 'timedelta':
                    v = cls._parse_timedelta(v)
                kwargs[arg] = v
            messages.append(ServiceBusMessage(
                body=_body_bytes(body), trigger_metadata=md, **kwargs))
        return messages


class ServiceBusMessageOutConverter(meta.OutConverter, binding='serviceBus'):

    @classmethod
    def check_output_type_annotation(cls, pytype: type) -> bool:
        return _utils.safe_issubclass(pytype, (str, bytes))

    @classmethod
    def encode(cls, obj: Any, *,
               expected_type: Optional[type] = None) -> meta.Datum:
        if isinstance(obj, str):
            return meta.Datum(type='string', value=obj)
        if isinstance(obj, (bytes, bytearray)):
            return meta.Datum(type='bytes', value=bytes(obj))
        raise _utils.unsupported('serviceBus', obj, 'str or bytes')
