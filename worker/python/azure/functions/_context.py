"""Concrete invocation context classes instantiated by the worker."""

import threading
import typing

from . import _abc

__all__ = ('InvocationContext', 'TraceContext', 'RetryContext',
           'RpcException')


class TraceContext(_abc.TraceContext):
    """W3C trace context; ``Traceparent``/``Tracestate``/``Attributes`` as in
    the public worker, with snake_case aliases."""

    def __init__(self, trace_parent: typing.Optional[str] = None,
                 trace_state: typing.Optional[str] = None,
                 attributes: typing.Optional[typing.Mapping[str, str]] = None
                 ) -> None:
        self.__trace_parent = trace_parent or ''
        self.__trace_state = trace_state or ''
        self.__attributes = dict(attributes or {})

    @property
    def Traceparent(self) -> str:
        return self.__trace_parent

    @property
    def Tracestate(self) -> str:
        return self.__trace_state

    @property
    def Attributes(self) -> typing.Dict[str, str]:
        return self.__attributes

    trace_parent = Traceparent
    trace_state = Tracestate
    attributes = Attributes

    def __repr__(self) -> str:
        return (f'<TraceContext traceparent={self.__trace_parent!r} '
                f'tracestate={self.__trace_state!r}>')


class RpcException(_abc.RpcException):
    def __init__(self, source: str = '', stack_trace: str = '',
                 message: str = '') -> None:
        self.__source = source
        self.__stack_trace = stack_trace
        self.__message = message

    @property
    def source(self) -> str:
        return self.__source

    @property
    def stack_trace(self) -> str:
        return self.__stack_trace

    @property
    def message(self) -> str:
        return self.__message


class RetryContext(_abc.RetryContext):
    def __init__(self, retry_count: int = 0, max_retry_count: int = 0,
                 exception: typing.Optional[_abc.RpcException] = None
                 ) -> None:
        self.__retry_count = int(retry_count or 0)
        self.__max_retry_count = int(max_retry_count or 0)
        self.__exception = exception

    @property
    def retry_count(self) -> int:
        return self.__retry_count

    @property
    def max_retry_count(self) -> int:
        return self.__max_retry_count

    @property
    def exception(self) -> typing.Optional[_abc.RpcException]:
        return self.__exception

    def __repr__(self) -> str:
        return (f'<RetryContext retry_count={self.__retry_count} '
                f'max_retry_count={self.__max_retry_count}>')


class InvocationContext(_abc.Context):
    """The ``context`` argument of a function."""

    def __init__(self, invocation_id: str, function_name: str,
                 function_directory: str,
                 trace_context: typing.Optional[_abc.TraceContext] = None,
                 retry_context: typing.Optional[_abc.RetryContext] = None,
                 thread_local_storage: typing.Optional[threading.local]
                 = None) -> None:
        self.__invocation_id = invocation_id
        self.__function_name = function_name
        self.__function_directory = function_directory
        self.__trace_context = trace_context if trace_context is not None \
            else TraceContext()
        self.__retry_context = retry_context if retry_context is not None \
            else RetryContext()
        self.__thread_local_storage = thread_local_storage \
            if thread_local_storage is not None else threading.local()

    @property
    def invocation_id(self) -> str:
        return self.__invocation_id

    @property
    def function_name(self) -> str:
        return self.__function_name

    @property
    def function_directory(self) -> str:
        return self.__function_directory

    @property
    def trace_context(self) -> _abc.TraceContext:
        return self.__trace_context

    @property
    def retry_context(self) -> _abc.RetryContext:
        return self.__retry_context

    @property
    def thread_local_storage(self) -> threading.local:
        return self.__thread_local_storage

    def __repr__(self) -> str:
        return (f'<azure.functions.Context function_name='
                f'{self.__function_name!r} '
                f'invocation_id={self.__invocation_id!r}>')
