"""EventHubEvent."""

import datetime
import typing

from . import _abc

__all__ = ('EventHubEvent',)


class EventHubEvent(_abc.EventHubEvent):
    """An Event Hub event."""

    def __init__(self, *, body: bytes,
                 trigger_metadata: typing.Optional[
                     typing.Mapping[str, typing.Any]] = None,
                 enqueued_time: typing.Optional[datetime.datetime] = None,
                 partition_key: typing.Optional[str] = None,
                 sequence_number: typing.Optional[int] = None,
                 offset: typing.Optional[str] = None,
                 iothub_metadata: typing.Optional[
                     typing.Mapping[str, str]] = None) -> None:
        self.__body = body
        self.__trigger_metadata = trigger_metadata
        self.__enqueued_time = enqueued_time
        self.__partition_key = partition_key
        self.__sequence_number = sequence_number
        self.__offset = offset
        self.__iothub_metadata = iothub_metadata
        self._trigger_metadata_pyobj: typing.Optional[dict] = None

    def get_body(self) -> bytes:
        return self.__body

    @property
    def partition_key(self) -> typing.Optional[str]:
        return self.__partition_key

    @property
    def iothub_metadata(self) -> typing.Optional[typing.Mapping[str, str]]:
        return self.__iothub_metadata

    @property
    def sequence_number(self) -> typing.Optional[int]:
        return self.__sequence_number

    @property
    def enqueued_time(self) -> typing.Optional[datetime.datetime]:
        return self.__enqueued_time

    @property
    def offset(self) -> typing.Optional[str]:
        return self.__offset

    @property
    def metadata(self) -> typing.Optional[typing.Dict[str, typing.Any]]:
        """The trigger metadata as plain Python values (read-only)."""
        if self.__trigger_metadata is None:
            return None
        if self._trigger_metadata_pyobj is None:
            self._trigger_metadata_pyobj = {
                k: getattr(v, 'python_value', v)
                for k, v in self.__trigger_metadata.items()}
        return self._trigger_metadata_pyobj

    def __repr__(self) -> str:
        return (f'<azure.EventHubEvent partition_key={self.partition_key} '
                f'sequence_number={self.sequence_number} '
                f'enqueued_time={self.enqueued_time} at 0x{id(self):0x}>')
