"""Context, TraceContext, RetryContext, Out (spec R2, B4)."""

import threading
import typing

import pytest

import azure.functions as func
from azure.functions import _context


def test_invocation_context():
    tls = threading.local()
    tc = _context.TraceContext(
        '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        'congo=t61rcWkgMzE', {'OperationName': 'GetItems'})
    rc = _context.RetryContext(1, 5)
    ctx = _context.InvocationContext(
        'inv-1', 'HttpTrigger', '/home/site/wwwroot/HttpTrigger', tc, rc,
        tls)
    assert isinstance(ctx, func.Context)
    assert ctx.invocation_id == 'inv-1'
    assert ctx.function_name == 'HttpTrigger'
    assert ctx.function_directory == '/home/site/wwwroot/HttpTrigger'
    assert ctx.thread_local_storage is tls
    assert ctx.trace_context.Traceparent.startswith('00-0af76519')
    assert ctx.trace_context.trace_parent == ctx.trace_context.Traceparent
    assert ctx.trace_context.Tracestate == 'congo=t61rcWkgMzE'
    assert ctx.trace_context.trace_state == 'congo=t61rcWkgMzE'
    assert ctx.trace_context.Attributes == {'OperationName': 'GetItems'}
    assert ctx.trace_context.attributes is ctx.trace_context.Attributes
    assert ctx.retry_context.retry_count == 1
    assert ctx.retry_context.max_retry_count == 5
    assert ctx.retry_context.exception is None
    # extensions may hang attributes on the context
    ctx.start_time = 1.0
    assert ctx.start_time == 1.0
    with pytest.raises(AttributeError):
        ctx.function_name = 'other'


def test_context_defaults():
    ctx = _context.InvocationContext('i', 'f', '/d', None, None, None)
    assert ctx.trace_context.Traceparent == ''
    assert ctx.trace_context.Attributes == {}
    assert ctx.retry_context.retry_count == 0
    assert isinstance(ctx.thread_local_storage, threading.local)


def test_retry_context_with_exception():
    exc = _context.RpcException('src', 'trace', 'boom')
    rc = _context.RetryContext(retry_count=2, max_retry_count=3,
                               exception=exc)
    assert rc.exception.message == 'boom'
    assert rc.exception.source == 'src'
    assert rc.exception.stack_trace == 'trace'


def test_user_mock_context_like_public_tests():
    # Apps' unit tests subclass func.Context with exactly these properties.
    class MockContext(func.Context):
        @property
        def invocation_id(self):
            return 'x'

        @property
        def thread_local_storage(self):
            return None

        @property
        def function_name(self):
            return 'f'

        @property
        def function_directory(self):
            return ''

        @property
        def trace_context(self):
            return None

        @property
        def retry_context(self):
            return None

    assert MockContext().function_name == 'f'
    with pytest.raises(TypeError):
        func.Context()


def test_out_is_generic_and_abstract():
    hint = func.Out[str]
    assert typing.get_origin(hint) is func.Out
    assert typing.get_args(hint) == (str,)
    with pytest.raises(TypeError):
        func.Out()

    class Box(func.Out):
        def __init__(self):
            self.v = None

        def set(self, val):
            self.v = val

        def get(self):
            return self.v

    b = Box()
    b.set('x')
    assert b.get() == 'x'
    assert isinstance(b, func.Out)

    def f(msg: func.Out[func.QueueMessage]) -> None:
        pass
    assert typing.get_type_hints(f)['msg'] == func.Out[func.QueueMessage]
