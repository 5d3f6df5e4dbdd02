"""The v2 sample apps (tests/apps/v2-*, examples/hello-v2) import with this
library, declare the functions their README lines promise, and (for HTTP)
answer what they promise when their user functions are called directly."""
import asyncio
import importlib.util
import json
import os
import sys
import traceback
import types

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
REPO = os.path.abspath(os.path.join(HERE, '..', '..', '..'))
APPS = os.path.join(REPO, 'tests', 'apps')

import azure.functions as func  # noqa: E402

from _support import importorskip_any  # noqa: E402


def load_app(path):
    """Import <path>/function_app.py like the worker does (script root on
    sys.path) and return its FunctionRegister."""
    sys.path.insert(0, path)
    saved = dict(sys.modules)
    try:
        name = 'function_app_' + os.path.basename(path).replace('-', '_')
        spec = importlib.util.spec_from_file_location(
            name, os.path.join(path, 'function_app.py'))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(path)
        for key in set(sys.modules) - set(saved):
            if key.split('.')[0] in ('blueprints', 'other_bp'):
                del sys.modules[key]
    registers = [v for v in vars(module).values()
                 if isinstance(v, func.FunctionRegister)]
    assert len(registers) == 1
    return registers[0]


def functions_by_name(app):
    return {f.get_function_name(): f for f in app.get_functions()}


def context(name):
    return types.SimpleNamespace(
        function_name=name, function_directory='/app', invocation_id='x',
        thread_local_storage=None, trace_context=None,
        retry_context=types.SimpleNamespace(retry_count=0,
                                             max_retry_count=0))


def call(fn, **kwargs):
    """Call a user function with only the parameters it declares."""
    user = fn.get_user_function()
    import inspect
    params = inspect.signature(user).parameters
    args = {k: v for k, v in kwargs.items() if k in params}
    if 'context' in params:
        args['context'] = context(fn.get_function_name())
    result = user(**args)
    if asyncio.iscoroutine(result):
        result = asyncio.run(result)
    return result


def request(method='GET', url='http://localhost:7071/api/x', body=b'',
            params=None, route_params=None, headers=None):
    return func.HttpRequest(method, url, body=body, params=params,
                            route_params=route_params, headers=headers)


def trigger(fn):
    return json.loads(fn.get_raw_bindings()[
        [b.name for b in fn.get_bindings()].index(fn.get_trigger().name)])


class Out:
    def __init__(self):
        self.value = None

    def set(self, value):
        self.value = value

    def get(self):
        return self.value


def test_hello_v2_example():
    fns = functions_by_name(load_app(os.path.join(REPO, 'examples',
                                                  'hello-v2')))
    hello = fns['hello']
    assert trigger(hello)['route'] == 'hello'
    resp = call(hello, req=request(params={'name': 'Ada'}))
    assert resp.get_body() == b'Hello, Ada.'
    resp = call(hello, req=request('POST', body=b'{"name": "Bob"}'))
    assert resp.get_body() == b'Hello, Bob.'
    assert call(hello, req=request()).status_code == 200


def test_v2_http():
    fns = functions_by_name(load_app(os.path.join(APPS, 'v2-http')))
    assert sorted(fns) == sorted([
        'hello', 'items', 'Renamed', 'custom', 'only_post', 'async_hello',
        'with_context', 'plain', 'teapot'])
    assert call(fns['hello'], req=request(params={'name': 'Ada'})) \
        .get_body() == b'Hello, Ada.'
    assert call(fns['hello'], req=request()).status_code == 400
    items = call(fns['items'], req=request(route_params={'id': '42',
                                                         'rest': 'extra'}))
    assert json.loads(items.get_body()) == {'id': '42', 'rest': 'extra'}
    assert trigger(fns['Renamed'])['route'] == 'Renamed'
    out = Out()
    assert call(fns['custom'], request=request(), res=out) is None
    assert out.value.status_code == 201
    assert out.value.headers['X-Out'] == 'res'
    assert trigger(fns['only_post'])['methods'] == ['POST']
    assert call(fns['async_hello'], req=request()).get_body() == b'async ok'
    assert call(fns['with_context'], req=request()) == 'with_context'
    assert call(fns['plain'], req=request()) == 'plain text'
    teapot = call(fns['teapot'], req=request())
    assert (teapot.status_code, teapot.headers['x-pyfn']) == (418, 'v2')
    for fn in fns.values():
        assert trigger(fn)['authLevel'] == 'ANONYMOUS'


def test_v2_timer():
    fns = functions_by_name(load_app(os.path.join(APPS, 'v2-timer')))
    assert trigger(fns['tick'])['schedule'] == '*/2 * * * * *'
    assert trigger(fns['startup_once'])['runOnStartup'] is True
    assert fns['flaky'].get_settings_dict('retry') == {
        'setting_name': 'retry_policy', 'strategy': 'fixed_delay',
        'max_retry_count': '2', 'delay_interval': '00:00:01'}
    timer = types.SimpleNamespace(past_due=False)
    call(fns['tick'], timer=timer)
    state = json.loads(call(fns['ticks'], req=request()).get_body())
    assert state['ticks'] == 1


def test_v2_queue():
    fns = functions_by_name(load_app(os.path.join(APPS, 'v2-queue')))
    assert trigger(fns['upper']) == {
        'direction': 'IN', 'type': 'queueTrigger', 'name': 'item',
        'queueName': 'v2-in', 'connection': 'AzureWebJobsStorage'}
    msg = Out()
    resp = call(fns['enqueue'], req=request('POST', body=b'hello'), msg=msg)
    assert (resp.status_code, msg.value) == (202, 'hello')
    out = Out()
    call(fns['upper'], item=func.QueueMessage(body=b'hello'), out=out)
    assert out.value == 'HELLO'


def test_v2_blob():
    fns = functions_by_name(load_app(os.path.join(APPS, 'v2-blob')))
    raw = [json.loads(b) for b in fns['copy_upper'].get_raw_bindings()]
    assert {'direction': 'IN', 'type': 'blobTrigger', 'name': 'src',
            'path': 'v2-blobs/{name}',
            'connection': 'AzureWebJobsStorage'} in raw
    assert {'direction': 'OUT', 'type': 'blob', 'name': 'copy',
            'path': 'v2-copies/{name}',
            'connection': 'AzureWebJobsStorage'} in raw
    resp = call(fns['get_blob'], req=request(), blob=None)
    assert resp.status_code == 404


def test_v2_generic():
    fns = functions_by_name(load_app(os.path.join(APPS, 'v2-generic')))
    assert trigger(fns['generic_hello'])['authLevel'] == 'anonymous'
    resp = call(fns['generic_hello'], req=request(route_params={
        'name': 'Ada'}))
    assert resp.get_body() == b'generic hello Ada'
    assert trigger(fns['generic_timer'])['type'] == 'timerTrigger'


def test_v2_blueprint():
    fns = functions_by_name(load_app(os.path.join(APPS, 'v2-blueprint')))
    assert sorted(fns) == sorted(['from_app', 'bp_hello', 'bp_info',
                                  'bp_timer', 'OtherBp'])
    assert call(fns['bp_hello'], req=request(params={'name': 'Ada'})) \
        .get_body() == b'Hello, Ada. (blueprint)'
    info = json.loads(call(fns['bp_info'], req=request()).get_body())
    assert info == {'module': 'blueprints.greetings',
                    'helper': 'shared helper'}
    assert call(fns['OtherBp'], req=request()) == 'from other_bp'
    assert trigger(fns['bp_hello'])['authLevel'] == 'ANONYMOUS'


def test_v2_asgi(tmp_path, monkeypatch):
    importorskip_any('fastapi')
    log = tmp_path / 'lifespan.log'
    monkeypatch.setenv('PYFN_LIFESPAN_LOG', str(log))
    app = load_app(os.path.join(APPS, 'v2-asgi'))
    fn = functions_by_name(app)['http_app_func']
    assert trigger(fn)['route'] == '/{*route}'
    user = fn.get_user_function()
    base = 'http://localhost:7071'

    async def scenario():
        out = {}
        ctx = context('http_app_func')
        out['hello'] = await user(request(url=base + '/hello/Ada'), ctx)
        out['startup'] = await user(request(url=base + '/startup'), ctx)
        out['echo'] = await user(request(
            'POST', base + '/echo', body=b'abc',
            headers={'content-type': 'text/plain'}), ctx)
        out['status'] = await user(request(url=base + '/status/418'), ctx)
        out['cookies'] = await user(request(url=base + '/cookies'), ctx)
        out['query'] = await user(request(url=base + '/query?x=1&y=2'), ctx)
        out['nope'] = await user(request(url=base + '/nope'), ctx)
        await app.notify_shutdown()
        return out

    r = asyncio.run(scenario())
    assert json.loads(r['hello'].get_body()) == {'message': 'Hello, Ada.'}
    assert json.loads(r['startup'].get_body()) == {'started': True}
    assert r['echo'].get_body() == b'abc'
    assert r['echo'].headers['x-echo-length'] == '3'
    assert r['status'].status_code == 418
    assert len(r['cookies'].headers.get_all('set-cookie')) == 2
    assert json.loads(r['query'].get_body()) == {'x': '1', 'y': '2'}
    assert r['nope'].status_code == 404
    assert log.read_text() == 'shutdown\n'


def test_v2_wsgi():
    importorskip_any('flask')
    fn = functions_by_name(load_app(os.path.join(APPS, 'v2-wsgi')))[
        'http_app_func']
    base = 'http://localhost:7071'
    ctx = context('http_app_func')
    user = fn.get_user_function()
    assert user(request(url=base + '/api/hello/Ada'), ctx).get_body() == \
        b'Hello, Ada.'
    r = user(request('POST', base + '/api/json', body=b'{"n": 21}',
                     headers={'content-type': 'application/json'}), ctx)
    assert (r.status_code, json.loads(r.get_body())) == (201,
                                                         {'doubled': 42})
    r = user(request('POST', base + '/api/form', body=b'a=1&b=2', headers={
        'content-type': 'application/x-www-form-urlencoded'}), ctx)
    assert json.loads(r.get_body()) == {'a': '1', 'b': '2'}
    r = user(request(url=base + '/api/headers', headers={'X-Test': 'yes'}),
             ctx)
    assert json.loads(r.get_body()) == {'x-test': 'yes',
                                        'path': '/api/headers'}
    r = user(request(url=base + '/api/cookies'), ctx)
    assert len(r.headers.get_all('Set-Cookie')) == 2
    assert user(request(url=base + '/api/nope'), ctx).status_code == 404


def test_v2_broken_import_names_file_and_line():
    path = os.path.join(APPS, 'v2-broken-import')
    with pytest.raises(ModuleNotFoundError) as err:
        load_app(path)
    assert "pyfn_v2_missing_module" in str(err.value)
    frames = traceback.extract_tb(err.value.__traceback__)
    last_app_frame = [f for f in frames
                      if f.filename.endswith('function_app.py')][-1]
    assert last_app_frame.lineno == 14
