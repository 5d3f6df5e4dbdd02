"""The ServiceBusMessage interface (abstract, as in the public package;
the concrete class is ``azure.functions.servicebus.ServiceBusMessage``)."""

import abc
import datetime
from typing import Any, Dict, Optional

__all__ = ('ServiceBusMessage',)


class ServiceBusMessage(abc.ABC):
    """A Service Bus message."""

    @abc.abstractmethod
    def get_body(self) -> bytes:
        pass

    @property
    @abc.abstractmethod
    def content_type(self) -> Optional[str]:
        pass

    @property
    @abc.abstractmethod
    def correlation_id(self) -> Optional[str]:
        pass

    @property
    @abc.abstractmethod
    def dead_letter_source(self) -> Optional[str]:
        pass

    @property
    @abc.abstractmethod
    def delivery_count(self) -> Optional[int]:
        pass

    @property
    @abc.abstractmethod
    def enqueued_time_utc(self) -> Optional[datetime.datetime]:
        pass

    @property
    @abc.abstractmethod
    def expires_at_utc(self) -> Optional[datetime.datetime]:
        pass

    @property
    @abc.abstractmethod
    def expiration_time(self) -> Optional[datetime.datetime]:
        pass

    @property
    @abc.abstractmethod
    def label(self) -> Optional[str]:
        pass

    @property
    @abc.abstractmethod
    def lock_token(self) -> Optional[str]:
        pass

    @property
    @abc.abstractmethod
    def message_id(self) -> str:
        pass

    @property
    @abc.abstractmethod
    def partition_key(self) -> Optional[str]:
        pass

    @property
    @abc.abstractmethod
    def reply_to(self) -> Optional[str]:
        pass

    @property
    @abc.abstractmethod
    def reply_to_session_id(self) -> Optional[str]:
        pass

    @property
    @abc.abstractmethod
    def scheduled_enqueue_time(self) -> Optional[datetime.datetime]:
        pass

    @property
    @abc.abstractmethod
    def scheduled_enqueue_time_utc(self) -> Optional[datetime.datetime]:
        pass

    @property
    @abc.abstractmethod
    def sequence_number(self) -> Optional[int]:
        pass

    @property
    @abc.abstractmethod
    def session_id(self) -> Optional[str]:
        pass

    @property
    @abc.abstractmethod
    def time_to_live(self) -> Optional[datetime.timedelta]:
        pass

    @property
    @abc.abstractmethod
    def to(self) -> Optional[str]:
        pass

    @property
    @abc.abstractmethod
    def user_properties(self) -> Dict[str, Any]:
        pass

    @property
    @abc.abstractmethod
    def metadata(self) -> Optional[Dict[str, Any]]:
        pass
