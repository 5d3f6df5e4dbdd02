"""Converters for the ``queueTrigger`` and ``queue`` bindings."""

import typing

from . import _abc
from . import _queue
from . import _utils
from . import meta

__all__ = ('QueueMessage', 'QueueMessageInConverter',
           'QueueMessageOutConverter')


class QueueMessage(_queue.QueueMessage):
    """A received queue message, with the host's metadata."""

    def __init__(self, *, id=None, body=None, dequeue_count=None,
                 expiration_time=None, insertion_time=None,
                 time_next_visible=None, pop_receipt=None) -> None:
        super().__init__(id=id, body=body, pop_receipt=pop_receipt)
        self.__dequeue_count = dequeue_count
        self.__expiration_time = expiration_time
        self.__insertion_time = insertion_time
        self.__time_next_visible = time_next_visible

    @property
    def dequeue_count(self):
        return self.__dequeue_count

    @property
    def expiration_time(self):
        return self.__expiration_time

    @property
    def insertion_time(self):
        return self.__insertion_time

    @property
    def time_next_visible(self):
        return self.__time_next_visible

    def __repr__(self) -> str:
        return (f'<azure.QueueMessage id={self.id} '
                f'dequeue_count={self.dequeue_count} '
                f'insertion_time={self.insertion_time} '
                f'expiration_time={self.expiration_time} '
                f'at 0x{id(self):0x}>')


class QueueMessageInConverter(meta.InConverter, binding='queueTrigger',
                              trigger=True):

    @classmethod
    def check_input_type_annotation(cls, pytype: type) -> bool:
        return _utils.safe_issubclass(pytype, _abc.QueueMessage)

    @classmethod
    def decode(cls, data: meta.Datum, *, trigger_metadata=None) -> typing.Any:
        if data is None or data.type not in ('string', 'bytes', 'json'):
            raise _utils.unsupported_datum(
                'queueTrigger', None if data is None else data.type,
                'string or bytes')
        md = trigger_metadata or {}
        return QueueMessage(
            id=cls._decode_trigger_metadata_field(md, 'Id', python_type=str),
            body=data.value,
            dequeue_count=cls._decode_trigger_metadata_field(
                md, 'DequeueCount', python_type=int),
            expiration_time=cls._parse_datetime_metadata(
                md, 'ExpirationTime'),
            insertion_time=cls._parse_datetime_metadata(md, 'InsertionTime'),
            time_next_visible=cls._parse_datetime_metadata(
                md, 'NextVisibleTime'),
            pop_receipt=cls._decode_trigger_metadata_field(
                md, 'PopReceipt', python_type=str),
        )


def _message_dict(msg: _abc.QueueMessage) -> dict:
    body = msg.get_body()
    if isinstance(body, (bytes, bytearray)):
        body = bytes(body).decode('utf-8')
    return {'id': msg.id, 'body': body}


class QueueMessageOutConverter(meta.OutConverter, binding='queue'):
    """str -> string, bytes -> bytes, QueueMessage -> JSON ``{id, body}``,
    an iterable of str/QueueMessage -> a JSON list (one message each)."""

    @classmethod
    def check_output_type_annotation(cls, pytype: type) -> bool:
        valid = (_abc.QueueMessage, str, bytes)
        return (meta.is_iterable_type_annotation(pytype, valid)
                or _utils.safe_issubclass(pytype, valid))

    @classmethod
    def encode(cls, obj: typing.Any, *,
               expected_type: typing.Optional[type] = None) -> meta.Datum:
        kind, value = _utils.encode_messages(
            'queue', obj, _abc.QueueMessage, _message_dict,
            'str or azure.functions.QueueMessage list items',
            'str, bytes, azure.functions.QueueMessage or a list of them')
        return meta.Datum(type=kind, value=value)
