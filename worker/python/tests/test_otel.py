"""PYTHON_ENABLE_OPENTELEMETRY: invocations inside the host's trace context.

opentelemetry-api is not installable where these tests run, so the library
path is exercised with a stand-in package the test writes into the app (the
public names the worker uses: opentelemetry.context.attach/detach/get_current
and TraceContextTextMapPropagator.extract). The real library is not tested here.
"""

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
