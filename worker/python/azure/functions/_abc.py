"""Abstract interfaces of the public azure.functions API (pyfn's copy)."""

import abc
import datetime
import io
import threading
import typing

T = typing.TypeVar('T')


class Out(abc.ABC, typing.Generic[T]):
    """An output binding parameter: the function calls ``set(value)``."""

    @abc.abstractmethod
    def set(self, val: T) -> None:
        """Set the value to send to the output binding."""

    @abc.abstractmethod
    def get(self) -> T:
        """Return the value set so far."""


class RpcException:
    """Details of the exception that caused a retry."""

    @property
    @abc.abstractmethod
    def source(self) -> str:
        pass

    @property
    @abc.abstractmethod
    def stack_trace(self) -> str:
        pass

    @property
    @abc.abstractmethod
    def message(self) -> str:
        pass


class TraceContext(abc.ABC):
    """W3C trace context of the invocation."""

    @property
    @abc.abstractmethod
    def trace_state(self) -> str:
        pass

    @property
    @abc.abstractmethod
    def trace_parent(self) -> str:
        pass

    @property
    @abc.abstractmethod
    def attributes(self) -> typing.Dict[str, str]:
        pass


class RetryContext(abc.ABC):
    """Retry state of the invocation."""

    @property
    @abc.abstractmethod
    def retry_count(self) -> int:
        pass

    @property
    @abc.abstractmethod
    def max_retry_count(self) -> int:
        pass

    @property
    @abc.abstractmethod
    def exception(self) -> typing.Optional[RpcException]:
        pass


class Context(abc.ABC):
    """The invocation context passed to a ``context`` parameter."""

    @property
    @abc.abstractmethod
    def invocation_id(self) -> str:
        pass

    @property
    @abc.abstractmethod
    def thread_local_storage(self) -> threading.local:
        """Thread-local storage; set ``.invocation_id`` on it in user threads
        so their log records are attributed to this invocation."""

    @property
    @abc.abstractmethod
    def function_name(self) -> str:
        pass

    @property
    @abc.abstractmethod
    def function_directory(self) -> str:
        pass

    @property
    @abc.abstractmethod
    def trace_context(self) -> TraceContext:
        pass

    @property
    @abc.abstractmethod
    def retry_context(self) -> RetryContext:
        pass


class HttpRequest(abc.ABC):
    """An HTTP request."""

    @property
    @abc.abstractmethod
    def method(self) -> str:
        pass

    @property
    @abc.abstractmethod
    def url(self) -> str:
        pass

    @property
    @abc.abstractmethod
    def headers(self) -> typing.Mapping[str, str]:
        pass

    @property
    @abc.abstractmethod
    def params(self) -> typing.Mapping[str, str]:
        pass

    @property
    @abc.abstractmethod
    def route_params(self) -> typing.Mapping[str, str]:
        pass

    @abc.abstractmethod
    def get_body(self) -> bytes:
        pass

    @abc.abstractmethod
    def get_json(self) -> typing.Any:
        """Body decoded as JSON; ValueError when it is not valid JSON."""


class HttpResponse(abc.ABC):
    """An HTTP response."""

    @property
    @abc.abstractmethod
    def status_code(self) -> int:
        pass

    @property
    @abc.abstractmethod
    def mimetype(self):
        pass

    @property
    @abc.abstractmethod
    def charset(self):
        pass

    @property
    @abc.abstractmethod
    def headers(self) -> typing.MutableMapping[str, str]:
        pass

    @abc.abstractmethod
    def get_body(self) -> bytes:
        pass


class TimerRequest(abc.ABC):
    """A timer trigger's payload."""

    @property
    @abc.abstractmethod
    def past_due(self) -> bool:
        pass


class InputStream(io.BufferedIOBase, abc.ABC):
    """A read-only file-like blob."""

    @abc.abstractmethod
    def read(self, size=-1) -> bytes:
        pass

    @property
    @abc.abstractmethod
    def name(self) -> typing.Optional[str]:
        pass

    @property
    @abc.abstractmethod
    def length(self) -> typing.Optional[int]:
        pass

    @property
    @abc.abstractmethod
    def uri(self) -> typing.Optional[str]:
        pass


class QueueMessage(abc.ABC):
    """A storage queue message."""

    @property
    @abc.abstractmethod
    def id(self) -> typing.Optional[str]:
        pass

    @abc.abstractmethod
    def get_body(self) -> typing.Union[str, bytes]:
        pass

    @abc.abstractmethod
    def get_json(self) -> typing.Any:
        pass

    @property
    @abc.abstractmethod
    def dequeue_count(self) -> typing.Optional[int]:
        pass

    @property
    @abc.abstractmethod
    def expiration_time(self) -> typing.Optional[datetime.datetime]:
        pass

    @property
    @abc.abstractmethod
    def insertion_time(self) -> typing.Optional[datetime.datetime]:
        pass

    @property
    @abc.abstractmethod
    def time_next_visible(self) -> typing.Optional[datetime.datetime]:
        pass

    @property
    @abc.abstractmethod
    def pop_receipt(self) -> typing.Optional[str]:
        pass


class EventGridEvent(abc.ABC):
    """An Event Grid event received by a trigger."""

    @property
    @abc.abstractmethod
    def id(self) -> str:
        pass

    @abc.abstractmethod
    def get_json(self) -> typing.Any:
        pass

    @property
    @abc.abstractmethod
    def topic(self) -> str:
        pass

    @property
    @abc.abstractmethod
    def subject(self) -> str:
        pass

    @property
    @abc.abstractmethod
    def event_type(self) -> str:
        pass

    @property
    @abc.abstractmethod
    def event_time(self) -> typing.Optional[datetime.datetime]:
        pass

    @property
    @abc.abstractmethod
    def data_version(self) -> str:
        pass


class EventGridOutputEvent(abc.ABC):
    """An Event Grid event to publish."""

    @property
    @abc.abstractmethod
    def id(self) -> str:
        pass

    @abc.abstractmethod
    def get_json(self) -> typing.Any:
        pass

    @property
    @abc.abstractmethod
    def subject(self) -> str:
        pass

    @property
    @abc.abstractmethod
    def event_type(self) -> str:
        pass

    @property
    @abc.abstractmethod
    def event_time(self) -> typing.Optional[datetime.datetime]:
        pass

    @property
    @abc.abstractmethod
    def data_version(self) -> str:
        pass


class Document(abc.ABC):
    """A Cosmos DB document."""

    @classmethod
    @abc.abstractmethod
    def from_json(cls, json_data: str) -> 'Document':
        pass

    @classmethod
    @abc.abstractmethod
    def from_dict(cls, dct: dict) -> 'Document':
        pass

    @abc.abstractmethod
    def __getitem__(self, key):
        pass

    @abc.abstractmethod
    def __setitem__(self, key, value):
        pass

    @abc.abstractmethod
    def to_json(self) -> str:
        pass


class DocumentList(abc.ABC):
    """A list of Cosmos DB documents."""


class EventHubEvent(abc.ABC):
    """An Event Hub event."""

    @abc.abstractmethod
    def get_body(self) -> bytes:
        pass

    @property
    @abc.abstractmethod
    def partition_key(self) -> typing.Optional[str]:
        pass

    @property
    @abc.abstractmethod
    def sequence_number(self) -> typing.Optional[int]:
        pass

    @property
    @abc.abstractmethod
    def iothub_metadata(self) -> typing.Optional[typing.Mapping[str, str]]:
        pass

    @property
    @abc.abstractmethod
    def enqueued_time(self) -> typing.Optional[datetime.datetime]:
        pass

    @property
    @abc.abstractmethod
    def offset(self) -> typing.Optional[str]:
        pass


class OrchestrationContext(abc.ABC):
    """Durable Functions orchestration context."""

    @property
    @abc.abstractmethod
    def body(self) -> str:
        pass


class SqlRow(abc.ABC):
    """An Azure SQL row."""

    @classmethod
    @abc.abstractmethod
    def from_json(cls, json_data: str) -> 'SqlRow':
        pass

    @classmethod
    @abc.abstractmethod
    def from_dict(cls, dct: dict) -> 'SqlRow':
        pass

    @abc.abstractmethod
    def __getitem__(self, key):
        pass

    @abc.abstractmethod
    def __setitem__(self, key, value):
        pass

    @abc.abstractmethod
    def to_json(self) -> str:
        pass


class SqlRowList(abc.ABC):
    """A list of Azure SQL rows."""
