"""EventGridEvent / EventGridOutputEvent."""

import datetime
import typing

from . import _abc

__all__ = ('EventGridEvent', 'EventGridOutputEvent')


class _EventFields:
    """The fields a received and a published event share: ``id``, the data
    (``get_json()``), ``subject``, ``event_type``, ``event_time`` and
    ``data_version``, keyword-only and read-only."""

    def __init__(self, *, id: str, data: typing.Any, subject: str,
                 event_type: str,
                 event_time: typing.Optional[datetime.datetime],
                 data_version: str) -> None:
        self.__id = id
        self.__data = data
        self.__subject = subject
        self.__event_type = event_type
        self.__event_time = event_time
        self.__data_version = data_version

    @property
    def id(self) -> str:
        return self.__id

    def get_json(self) -> typing.Any:
        return self.__data

    @property
    def subject(self) -> str:
        return self.__subject

    @property
    def event_type(self) -> str:
        return self.__event_type

    @property
    def event_time(self) -> typing.Optional[datetime.datetime]:
        return self.__event_time

    @property
    def data_version(self) -> str:
        return self.__data_version

    def _repr(self, extra: str) -> str:
        return (f'<azure.{type(self).__name__} id={self.id} {extra}'
                f'subject={self.subject} at 0x{id(self):0x}>')


class EventGridEvent(_EventFields, _abc.EventGridEvent):
    """An Event Grid event received by a trigger."""

    def __init__(self, *, id: str, data: typing.Any, topic: str,
                 subject: str, event_type: str,
                 event_time: typing.Optional[datetime.datetime],
                 data_version: str) -> None:
        super().__init__(id=id, data=data, subject=subject,
                         event_type=event_type, event_time=event_time,
                         data_version=data_version)
        self.__topic = topic

    @property
    def topic(self) -> str:
        return self.__topic

    def __repr__(self) -> str:
        return self._repr(f'topic={self.topic} ')


class EventGridOutputEvent(_EventFields, _abc.EventGridOutputEvent):
    """An Event Grid event to publish through an output binding."""

    def __repr__(self) -> str:
        return self._repr(f'event_type={self.event_type} ')
