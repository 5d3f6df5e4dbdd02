"""PYTHON_ENABLE_OPENTELEMETRY: invocations inside the host's trace context.

opentelemetry-api is not installable where these tests run, so the library
path is exercised with a stand-in package the test writes into the app (the
public names the worker uses: opentelemetry.context.attach/detach/get_current
and TraceContextTextMapPropagator.extract). The real library (opentelemetry-api
and opentelemetry-sdk, from PyPI or the opentelemetry-python repository's
*/src folders on PYTHONPATH) runs test_real_sdk_*, which is skipped, saying
why, when it cannot be imported.
"""

import importlib
import importlib.util
import json
import sys

import pytest

from pyfn_worker import otel
import test_worker_dispatcher as dispatcher_tests
from test_worker_dispatcher import HTTP_IN, HTTP_RET, write

host = dispatcher_tests.host  # the dispatcher tests' fixture: a fake host around a Dispatcher

TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'

STANDIN = {
    'opentelemetry/__init__.py': '',
    'opentelemetry/context/__init__.py': '''
        import contextvars
        _current = contextvars.ContextVar('otel_standin', default={})
        def get_current():
            return _current.get()
        def attach(ctx):
            return _current.set(ctx)
        def detach(token):
            _current.reset(token)
    ''',
    'opentelemetry/trace/__init__.py': '',
    'opentelemetry/trace/propagation/__init__.py': '',
    'opentelemetry/trace/propagation/tracecontext.py': '''
        class TraceContextTextMapPropagator:
            def extract(self, carrier, context=None):
                return dict(carrier)
    ''',
}

FUNCTION = '''
    import json
    import azure.functions as func
    def main(req: func.HttpRequest, context: func.Context) -> func.HttpResponse:
        try:
            from opentelemetry import context as otel_context
            current = otel_context.get_current()
        except ImportError:
            current = None
        return func.HttpResponse(json.dumps({
            'traceparent': context.trace_context.Traceparent,
            'tracestate': context.trace_context.Tracestate,
            'otel': current}))
'''

ASYNC_FUNCTION = FUNCTION.replace('def main', 'async def main')


@pytest.fixture(autouse=True)
def fresh_state():
    otel.reset()
    yield
    otel.reset()
    for m in [m for m in sys.modules if m.split('.')[0] == 'opentelemetry']:
        del sys.modules[m]


def invoke(host, fid, tc):
    req = {'invocation_id': 'inv-otel', 'function_id': fid, 'trace_context': tc,
           'input_data': [{'name': 'req', 'data': {'http': {
               'method': 'GET', 'url': 'http://localhost/api/x', 'headers': {},
               'query': {}, 'params': {}, 'body': {'bytes': b''}}}}]}
    resp = host.ask('invocation_request', req)[2]
    assert resp['result']['status'] == 1, resp
    return json.loads(resp['return_value']['http']['body']['bytes'])


def load(host, source=FUNCTION):
    write(host.root, 'fn/__init__.py', source)
    host.init()
    assert host.load('f1', 'fn', [HTTP_IN, HTTP_RET])['result']['status'] == 1


def library_absent():
    return importlib.util.find_spec('opentelemetry') is None


def test_off_by_default_changes_nothing(host, monkeypatch):
    monkeypatch.delenv(otel.SETTING, raising=False)
    load(host)
    out = invoke(host, 'f1', {'trace_parent': TRACEPARENT, 'trace_state': 'k=v'})
    assert out['traceparent'] == TRACEPARENT
    assert out['tracestate'] == 'k=v'
    assert otel.enabled() is False


@pytest.mark.skipif(not library_absent(), reason='opentelemetry is installed here')
def test_enabled_without_the_library_warns_once_and_runs(host, monkeypatch):
    monkeypatch.setenv(otel.SETTING, 'true')
    load(host)
    for _ in range(2):
        out = invoke(host, 'f1', {'trace_parent': TRACEPARENT})
        assert out['traceparent'] == TRACEPARENT and out['otel'] is None
    warnings = [m for m in host.logs()
                if 'opentelemetry-api cannot be imported' in m.get('message', '')]
    assert len(warnings) == 1


@pytest.mark.parametrize('source', [FUNCTION, ASYNC_FUNCTION], ids=['sync', 'async'])
def test_enabled_with_the_api_runs_inside_the_extracted_context(host, monkeypatch, source):
    monkeypatch.setenv(otel.SETTING, 'true')
    for rel, text in STANDIN.items():
        write(host.root, rel, text)
    load(host, source)
    out = invoke(host, 'f1', {'trace_parent': TRACEPARENT, 'trace_state': 'k=v'})
    assert out['otel'] == {'traceparent': TRACEPARENT, 'tracestate': 'k=v'}
    assert out['traceparent'] == TRACEPARENT
    # Detached afterwards: the next invocation sees its own context only.
    out = invoke(host, 'f1', {'trace_parent': TRACEPARENT.replace('b7ad', 'c7ad')})
    assert out['otel'] == {'traceparent': TRACEPARENT.replace('b7ad', 'c7ad')}
    from opentelemetry import context as otel_context
    assert otel_context.get_current() == {}


def test_no_trace_context_attaches_nothing(host, monkeypatch):
    monkeypatch.setenv(otel.SETTING, '1')
    for rel, text in STANDIN.items():
        write(host.root, rel, text)
    load(host)
    out = invoke(host, 'f1', {})
    assert out['otel'] == {}


def real_sdk_missing():
    """Why the real-library test cannot run here, or '' when it can."""
    try:
        for name in ('opentelemetry.context', 'opentelemetry.sdk.trace',
                     'opentelemetry.sdk.trace.export.in_memory_span_exporter'):
            importlib.import_module(name)
    except Exception as e:
        return ('opentelemetry-api and opentelemetry-sdk are not importable '
                f'({e}); put them on PYTHONPATH to run this test')
    return ''


SDK_FUNCTION = '''
    import json
    import azure.functions as func
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
        InMemorySpanExporter)

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer('app')

    def main(req: func.HttpRequest) -> func.HttpResponse:
        exporter.clear()
        with tracer.start_as_current_span('app-work'):
            pass
        (span,) = exporter.get_finished_spans()
        return func.HttpResponse(json.dumps({
            'trace_id': format(span.context.trace_id, '032x'),
            'parent_id': format(span.parent.span_id, '016x') if span.parent else None,
            'parent_remote': span.parent.is_remote if span.parent else None,
            'sampled': span.context.trace_flags.sampled,
            'trace_state': span.context.trace_state.to_header()}))
'''


@pytest.mark.skipif(bool(real_sdk_missing()), reason=real_sdk_missing() or 'runs')
@pytest.mark.parametrize('source', [SDK_FUNCTION, SDK_FUNCTION.replace('def main', 'async def main')],
                         ids=['sync', 'async'])
def test_real_sdk_span_is_a_child_of_the_invocation_span(host, monkeypatch, caplog, source):
    monkeypatch.setenv(otel.SETTING, 'true')
    load(host, source)
    out = invoke(host, 'f1', {'trace_parent': TRACEPARENT, 'trace_state': 'k=v'})
    assert out == {'trace_id': TRACEPARENT[3:35], 'parent_id': TRACEPARENT[36:52],
                   'parent_remote': True, 'sampled': True, 'trace_state': 'k=v'}
    # Detached afterwards: an invocation without a context starts a new trace.
    out = invoke(host, 'f1', {})
    assert out['parent_id'] is None and out['trace_id'] != TRACEPARENT[3:35]
    # The library logs (does not raise) a detach in the wrong context.
    assert not [r for r in caplog.records if 'detach' in r.getMessage().lower()]
    assert not [m for m in host.logs() if 'detach' in m.get('message', '').lower()]
