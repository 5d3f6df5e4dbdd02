"""pytest for the worker's pure-Python side: dispatcher, loader, bindings.

Drives pyfn_worker.dispatcher.Dispatcher with a fake `send` (no gRPC, no C++),
on throwaway apps written to tmp_path.
"""

import asyncio
import json
import logging
import os
import sys
import textwrap

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from pyfn_worker import bindings, dispatcher, loader, logs  # noqa: E402

HTTP_IN = json.dumps({'type': 'httpTrigger', 'direction': 'in', 'name': 'req',
                      'authLevel': 'anonymous'})
HTTP_RET = json.dumps({'type': 'http', 'direction': 'out', 'name': '$return'})


def write(root, rel, text):
    path = os.path.join(str(root), rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        f.write(textwrap.dedent(text))
    return path


class Host:
    """A fake host: collects what the worker sends."""

    def __init__(self, root):
        self.sent = []
        self.root = str(root)
        self.loop = asyncio.new_event_loop()
        self.d = dispatcher.Dispatcher(self.send, worker_id='w', loop=self.loop)

    def send(self, kind, request_id, payload):
        self.sent.append((kind, request_id, payload))

    def ask(self, kind, payload, request_id='r'):
        before = len(self.sent)

        async def go():
            self.d.handle(kind, request_id, payload)
            await self.d.drain()
        self.loop.run_until_complete(go())
        answers = [m for m in self.sent[before:] if m[0] != 'rpc_log']
        return answers[-1] if answers else None

    def logs(self):
        return [m[2] for m in self.sent if m[0] == 'rpc_log']

    def init(self):
        return self.ask('worker_init_request',
                        {'function_app_directory': self.root})

    def load(self, fid, name, raw, script=None, entry=None):
        md = {'name': name, 'directory': os.path.join(self.root, name),
              'raw_bindings': raw}
        if script:
            md['script_file'] = script
        if entry:
            md['entry_point'] = entry
        return self.ask('function_load_request',
                        {'function_id': fid, 'metadata': md})[2]

    def http(self, fid, query=None, body=b'', inv='inv-1', method='GET'):
        req = {'invocation_id': inv, 'function_id': fid, 'input_data': [
            {'name': 'req', 'data': {'http': {
                'method': method, 'url': 'http://localhost/api/x',
                'headers': {'content-type': 'text/plain'},
                'query': query or {}, 'params': {},
                'body': {'bytes': body}}}}]}
        return self.ask('invocation_request', req)[2]


@pytest.fixture
def host(tmp_path, monkeypatch):
    monkeypatch.setenv('PYTHON_ENABLE_WORKER_EXTENSIONS', '0')
    saved_path = list(sys.path)
    saved_mods = set(sys.modules)
    h = Host(tmp_path)
    monkeypatch.setenv('AzureWebJobsScriptRoot', h.root)
    logs.install(h.send, 'r', capture_stdio=False)
    yield h
    h.loop.close()
    h.d.pool.shutdown(wait=True)
    sys.path[:] = saved_path
    for m in set(sys.modules) - saved_mods:
        if m.startswith(('__app__', 'shared', 'function_app')):
            del sys.modules[m]
    sys.modules.pop('__app__', None)
    logging.getLogger().handlers[:] = [
        x for x in logging.getLogger().handlers
        if not isinstance(x, logs.RpcLogHandler)]


def test_init_reports_capabilities_and_metadata(host):
    kind, rid, p = host.init()
    assert kind == 'worker_init_response' and rid == 'r'
    assert p['result']['status'] == 1
    for cap in ('RawHttpBodyBytes', 'TypedDataCollection', 'RpcHttpBodyOnly',
                'RpcHttpTriggerMetadataRemoved', 'WorkerStatus',
                'HandlesWorkerTerminateMessage'):
        assert p['capabilities'][cap] == 'true'
    assert p['worker_metadata']['runtime_name'] == 'python'
    assert host.root in sys.path


def test_no_function_app_means_default_indexing(host):
    host.init()
    kind, _, p = host.ask('functions_metadata_request',
                          {'function_app_directory': host.root})
    assert kind == 'function_metadata_response'
    assert p['use_default_metadata_indexing'] is True


def test_http_function_with_relative_and_absolute_imports(host):
    write(host.root, 'shared_code/__init__.py', '')
    write(host.root, 'shared_code/helper.py', 'GREETING = "Hello"\n')
    write(host.root, 'hello/example.py', 'def who(n):\n    return n.upper()\n')
    write(host.root, 'hello/__init__.py', '''
        import azure.functions as func
        from shared_code.helper import GREETING
        from . import example
        CALLS = []
        def main(req: func.HttpRequest) -> func.HttpResponse:
            CALLS.append(1)
            return func.HttpResponse(
                f"{GREETING}, {example.who(req.params['name'])} {len(CALLS)}",
                headers={'Set-Cookie': 'a=b; Path=/; HttpOnly'})
    ''')
    host.init()
    assert host.load('f1', 'hello', [HTTP_IN, HTTP_RET])['result']['status'] == 1
    r = host.http('f1', {'name': 'ann'})
    assert r['result']['status'] == 1, r
    http = r['return_value']['http']
    assert http['status_code'] == '200'
    assert http['body'] == {'bytes': b'Hello, ANN 1'}
    assert http['cookies'][0]['name'] == 'a'
    assert http['cookies'][0]['http_only'] == {'value': True}
    # R3: globals persist
    r = host.http('f1', {'name': 'ann'}, inv='inv-2')
    assert r['return_value']['http']['body'] == {'bytes': b'Hello, ANN 2'}


def test_deprecated_app_imports_work_with_a_warning(host):
    write(host.root, 'shared_code/__init__.py', 'X = 1\n')
    write(host.root, 'legacy/__init__.py', '''
        from __app__.shared_code import X
        from ..shared_code import X as Y
        def main(req):
            return str(X + Y)
    ''')
    host.init()
    assert host.load('f2', 'legacy', [HTTP_IN, HTTP_RET])['result']['status'] == 1
    assert any('Deprecated import' in log['message'] for log in host.logs())
    # A returned str goes to the host as a string (as Azure's worker sends it).
    assert host.http('f2')['return_value'] == {'string': '2'}


def test_script_file_and_entry_point(host):
    write(host.root, 'custom/main.py', '''
        def customentry(req):
            return "custom"
    ''')
    host.init()
    res = host.load('f3', 'custom', [HTTP_IN, HTTP_RET],
                    script=os.path.join(host.root, 'custom', 'main.py'),
                    entry='customentry')
    assert res['result']['status'] == 1, res
    assert host.http('f3')['return_value'] == {'string': 'custom'}


def test_load_errors_name_function_file_and_error(host):
    write(host.root, 'syntax/__init__.py', 'def main(req:\n')
    write(host.root, 'noentry/__init__.py', 'def other(req):\n    pass\n')
    write(host.root, 'mismatch/__init__.py', 'def main(request):\n    pass\n')
    write(host.root, 'missing/__init__.py', 'import no_such_pkg_pyfn\n')
    host.init()
    msg = host.load('e1', 'syntax', [HTTP_IN])['result']['exception']['message']
    assert "'syntax'" in msg and 'SyntaxError' in msg and 'line 1' in msg
    assert 'syntax/__init__.py' in msg
    msg = host.load('e2', 'noentry', [HTTP_IN])['result']['exception']['message']
    assert "'noentry'" in msg and "'main'" in msg
    msg = host.load('e3', 'mismatch', [HTTP_IN])['result']['exception']['message']
    assert 'request' in msg and 'req' in msg and 'function.json' in msg
    msg = host.load('e4', 'missing', [HTTP_IN])['result']['exception']['message']
    assert "No module named 'no_such_pkg_pyfn'" in msg
    assert '.python_packages/lib/site-packages does not exist' in msg
    # the others still load; invoking a broken one fails with the message
    r = host.http('e1')
    assert r['result']['status'] == 0 and 'SyntaxError' in \
        r['result']['exception']['message']


def test_foreign_abi_extension_is_explained(host, tmp_path):
    site = os.path.join(host.root, '.python_packages', 'lib', 'site-packages')
    write(site, 'fastthing.cpython-39-x86_64-linux-gnu.so', 'not elf')
    write(host.root, 'native/__init__.py', 'import fastthing\ndef main(req): pass\n')
    host.init()
    msg = host.load('n1', 'native', [HTTP_IN])['result']['exception']['message']
    assert 'built for Python 3.9' in msg, msg
    assert 'exists but does not provide it' in msg


def test_out_params_context_and_generic_bindings(host):
    write(host.root, 'outs/__init__.py', '''
        import azure.functions as func
        def main(req: func.HttpRequest, msg: func.Out[str], blob: func.Out[bytes],
                 context: func.Context, doc: str, raw: bytes) -> str:
            msg.set("queued " + doc)
            blob.set(raw)
            return context.function_name
    ''')
    raw = [HTTP_IN, HTTP_RET,
           json.dumps({'type': 'queue', 'direction': 'out', 'name': 'msg'}),
           json.dumps({'type': 'custom', 'direction': 'out', 'name': 'blob',
                       'dataType': 'binary'}),
           json.dumps({'type': 'custom', 'direction': 'in', 'name': 'doc'}),
           json.dumps({'type': 'custom', 'direction': 'in', 'name': 'raw',
                       'dataType': 'binary'})]
    host.init()
    res = host.load('o1', 'outs', raw)
    assert res['result']['status'] == 1, res
    req = {'invocation_id': 'i', 'function_id': 'o1', 'input_data': [
        {'name': 'req', 'data': {'http': {'method': 'GET', 'url': 'http://x/',
                                          'body': {'bytes': b''}}}},
        {'name': 'doc', 'data': {'string': 'd'}},
        {'name': 'raw', 'data': {'string': 'r'}}]}
    r = host.ask('invocation_request', req)[2]
    assert r['result']['status'] == 1, r
    outs = {o['name']: o['data'] for o in r['output_data']}
    assert outs['msg'] == {'string': 'queued d'}
    assert outs['blob'] == {'bytes': b'r'}
    assert r['return_value'] == {'string': 'outs'}


def test_async_function_exception_and_logging(host):
    write(host.root, 'aio/__init__.py', '''
        import asyncio, logging
        async def main(req):
            logging.warning("async warn")
            print("async print")
            await asyncio.sleep(0)
            if req.params.get("fail"):
                raise RuntimeError("nope")
            return "ok"
    ''')
    host.init()
    logs.install(host.send, 'r', capture_stdio=False)
    assert host.load('a1', 'aio', [HTTP_IN, HTTP_RET])['result']['status'] == 1
    r = host.http('a1', inv='inv-a')
    assert r['return_value'] == {'string': 'ok'}
    warn = [l for l in host.logs() if l['message'] == 'async warn'][0]
    assert warn['invocation_id'] == 'inv-a'
    assert warn['category'] == 'Function.aio.User' and warn['level'] == 3
    r = host.http('a1', {'fail': '1'}, inv='inv-b')
    assert r['result']['status'] == 0
    assert 'RuntimeError: nope' in r['result']['exception']['message']
    assert 'Traceback' in r['result']['exception']['stack_trace']


def test_sync_logging_carries_invocation_id_from_the_pool(host):
    write(host.root, 'sync/__init__.py', '''
        import logging
        def main(req):
            logging.getLogger("app").error("sync err")
            return "x"
    ''')
    host.init()
    logs.install(host.send, 'r', capture_stdio=False)
    host.load('s1', 'sync', [HTTP_IN, HTTP_RET])
    host.http('s1', inv='inv-s')
    err = [l for l in host.logs() if l['message'] == 'sync err'][0]
    assert err['invocation_id'] == 'inv-s' and err['level'] == 4


def test_stdout_stream_splits_lines():
    sent = []
    s = logs.RpcLogStream(lambda k, r, p: sent.append(p), 'r', 2, sys.__stdout__)
    s.write('a\nb')
    s.write('c\n')
    assert [p['message'] for p in sent] == ['a', 'bc']


def test_function_app_indexing(host):
    write(host.root, 'function_app.py', '''
        import azure.functions as func
        app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

        @app.route(route="hi")
        def hi(req: func.HttpRequest) -> func.HttpResponse:
            return func.HttpResponse("hi " + req.params.get("n", ""))
    ''')
    host.init()
    kind, _, p = host.ask('functions_metadata_request',
                          {'function_app_directory': host.root})
    assert p['result']['status'] == 1, p
    assert p['use_default_metadata_indexing'] is False
    [md] = p['function_metadata_results']
    assert md['name'] == 'hi' and md['entry_point'] == 'hi'
    types_ = {json.loads(b)['type'] for b in md['raw_bindings']}
    assert 'httpTrigger' in types_ and 'http' in types_
    res = host.ask('function_load_request', {'function_id': md['function_id'],
                                             'metadata': md})[2]
    assert res['result']['status'] == 1, res
    r = host.http(md['function_id'], {'n': 'x'})
    assert r['return_value']['http']['body'] == {'bytes': b'hi x'}


def test_function_app_without_functions_means_default_indexing(host):
    # As Azure's worker: a function_app.py that declares no function leaves the
    # function.json folders to the host.
    write(host.root, 'function_app.py', '''
        import azure.functions as func
        app = func.FunctionApp()
    ''')
    host.init()
    _, _, p = host.ask('functions_metadata_request',
                       {'function_app_directory': host.root})
    assert p['result']['status'] == 1, p
    assert p['use_default_metadata_indexing'] is True


def test_function_app_import_error_is_reported(host):
    write(host.root, 'function_app.py', 'import azure.functions as func\n\nx = 1 / 0\n')
    host.init()
    _, _, p = host.ask('functions_metadata_request',
                       {'function_app_directory': host.root})
    assert p['result']['status'] == 0
    exc = p['result']['exception']
    assert 'function_app.py' in exc['message'] and 'line 3' in exc['message']
    assert 'ZeroDivisionError' in exc['stack_trace']


def test_worker_extensions_run_in_order(host, monkeypatch):
    monkeypatch.setenv('PYTHON_ENABLE_WORKER_EXTENSIONS', '1')
    write(host.root, 'ext/__init__.py', '''
        from azure.functions import AppExtensionBase, FuncExtensionBase
        ORDER = []
        class App(AppExtensionBase):
            @classmethod
            def pre_invocation_app_level(cls, logger, context, func_args, *a, **k):
                ORDER.append("app-pre")
            @classmethod
            def post_invocation_app_level(cls, logger, context, func_args, func_ret, *a, **k):
                ORDER.append("app-post")
        class Fn(FuncExtensionBase):
            def __init__(self, file_path):
                super().__init__(file_path)
            def pre_invocation(self, logger, context, func_args, *a, **k):
                ORDER.append("fn-pre")
            def post_invocation(self, logger, context, func_args, func_ret, *a, **k):
                ORDER.append("fn-post")
                raise ValueError("hook failure is only logged")
        fn_ext = Fn(__file__)
        def main(req):
            ORDER.append("function")
            return ",".join(ORDER)
    ''')
    host.init()
    res = host.load('x1', 'ext', [HTTP_IN, HTTP_RET])
    assert res['result']['status'] == 1, res
    r = host.http('x1')
    assert r['result']['status'] == 1, r
    mod = sys.modules['__app__.ext']
    assert mod.ORDER == ['app-pre', 'fn-pre', 'function', 'fn-post', 'app-post']


def test_environment_reload_and_status(host, monkeypatch):
    host.init()
    kind, _, p = host.ask('worker_status_request', {})
    assert kind == 'worker_status_response'
    env = dict(os.environ, PYFN_TEST_RELOAD='yes')
    kind, _, p = host.ask('function_environment_reload_request', {
        'environment_variables': env, 'function_app_directory': host.root})
    assert kind == 'function_environment_reload_response'
    assert p['result']['status'] == 1
    assert os.environ['PYFN_TEST_RELOAD'] == 'yes'


def test_thread_count_default_and_override(monkeypatch):
    monkeypatch.delenv('PYTHON_THREADPOOL_THREAD_COUNT', raising=False)
    assert dispatcher.thread_count() == min(32, (os.cpu_count() or 1) + 4)
    monkeypatch.setenv('PYTHON_THREADPOOL_THREAD_COUNT', '3')
    assert dispatcher.thread_count() == 3


def test_cookie_parsing():
    c = bindings.parse_set_cookie(
        'sid=abc; Domain=example.com; Path=/; Max-Age=60; Secure; '
        'HttpOnly; SameSite=Strict; Expires=Wed, 21 Oct 2015 07:28:00 GMT')
    assert c['name'] == 'sid' and c['value'] == 'abc'
    assert c['domain'] == {'value': 'example.com'}
    assert c['max_age'] == {'value': 60.0}
    assert c['secure'] == {'value': True} and c['same_site'] == 2
    assert c['expires']['value'] == 1445412480.0


def test_retry_options_from_settings():
    assert loader.retry_options({'strategy': 'fixed_delay', 'max_retry_count': '3',
                                 'delay_interval': '00:00:10'}) == {
        'max_retry_count': 3, 'retry_strategy': 1, 'delay_interval': 10.0}
    r = loader.retry_options({'strategy': 'exponential_backoff',
                              'max_retry_count': 2,
                              'minimum_interval': '00:00:01',
                              'maximum_interval': '00:01:00'})
    assert r['retry_strategy'] == 0 and r['maximum_interval'] == 60.0


# ---- storage bindings (B5, B6) --------------------------------------------

def test_storage_decode_str_bytes_and_input_stream():
    import azure.functions as func
    from azure.functions import meta
    # queueTrigger with a str annotation: the generic rule (the converter wants QueueMessage)
    assert bindings.decode_param('queueTrigger', 'undefined',
                                 meta.Datum('hi', 'string'), str, {}) == 'hi'
    msg = bindings.decode_param('queueTrigger', 'undefined', meta.Datum('hi', 'string'),
                                func.QueueMessage,
                                {'DequeueCount': meta.Datum('2', 'json')})
    assert msg.get_body() == b'hi' and msg.dequeue_count == 2
    # blob: str/bytes annotations get the content (the converter's pytype=)
    assert bindings.decode_param('blob', 'binary', meta.Datum(b'ab', 'bytes'), bytes,
                                 {}) == b'ab'
    assert bindings.decode_param('blob', 'string', meta.Datum('ab', 'string'), str,
                                 {}) == 'ab'
    stream = bindings.decode_param('blob', '', meta.Datum(b'ab', 'bytes'),
                                   func.InputStream, {})
    assert stream.read() == b'ab'
    assert bindings.decode_param('blob', '', None, bytes, {}) is None


def test_storage_encode_json_fallback_and_clear_type_errors():
    import azure.functions as func
    assert bindings.encode_value('queue', '', {'a': 1}, None) == {'json': '{"a": 1}'}
    assert bindings.encode_value('queue', '', [{'a': 1}, 'x'], None) == \
        {'json': '[{"a": 1}, "x"]'}
    assert 'json' in bindings.encode_value('queue', '', func.QueueMessage(body='b'), None)
    with pytest.raises(TypeError, match="'queue' binding cannot convert a value of type object"):
        bindings.encode_value('queue', '', object(), None)
    with pytest.raises(TypeError, match="'queue' output binding .* not JSON-serialisable"):
        bindings.encode_value('queue', '', {'k': object()}, None)
    with pytest.raises(TypeError, match="'blob' binding cannot convert a value of type int"):
        bindings.encode_value('blob', '', 12, None)


def test_storage_queue_trigger_str_annotation_loads_and_runs(host):
    write(host.root, 'q/__init__.py', '''
        def main(msg: str) -> str:
            return msg.upper()
        ''')
    host.init()
    qt = json.dumps({'type': 'queueTrigger', 'direction': 'in', 'name': 'msg',
                     'queueName': 'x'})
    ret = json.dumps({'type': 'queue', 'direction': 'out', 'name': '$return',
                      'queueName': 'y'})
    res = host.load('q1', 'q', [qt, ret])
    assert res['result']['status'] == 1, res
    out = host.ask('invocation_request', {
        'invocation_id': 'i', 'function_id': 'q1',
        'input_data': [{'name': 'msg', 'data': {'string': 'hello'}}],
        'trigger_metadata': {'DequeueCount': {'json': '1'}}})[2]
    assert out['return_value'] == {'string': 'HELLO'}, out


# ---- loader: broken native extensions (P5) -------------------------------------------

def _import_error(text, path):
    e = ImportError(text)
    e.path = path
    return e


def test_native_extension_missing_a_shared_library_names_the_library():
    import sysconfig
    ext = '/app/.python_packages/lib/site-packages/grpc/_cython/cygrpc' + \
        sysconfig.get_config_var('EXT_SUFFIX')
    msg = loader.describe_import_error(_import_error(
        'libre2.so.11: cannot open shared object file: No such file or directory', ext), '/app')
    assert 'is built for this Python' in msg
    assert 'libre2.so.11' in msg and 'not installed' in msg
    assert 'Reinstall' not in msg


def test_native_extension_of_another_python_says_which():
    ext = '/app/.python_packages/lib/site-packages/x/_x.cpython-27-x86_64-linux-gnu.so'
    msg = loader.describe_import_error(_import_error(
        'libfoo.so.1: cannot open shared object file: No such file or directory', ext), '/app')
    assert 'was built for Python 2.7' in msg
    assert 'Reinstall the package' in msg


# --- sync fast path -----------------------------------------------------------

SYNC_PROBE = '''
    import contextvars, logging, threading
    import azure.functions as func
    VAR = contextvars.ContextVar("probe", default="unset")
    def main(req: func.HttpRequest, context) -> str:
        logging.getLogger("app").warning("from %s", threading.current_thread().name)
        before = VAR.get()
        VAR.set("changed")  # must not leak into the next invocation
        return "%s %s %s %s" % (threading.current_thread().name,
                                context.invocation_id,
                                context.thread_local_storage.invocation_id, before)
'''


@pytest.mark.parametrize('fast', ['1', '0'])
def test_sync_invocation_paths_agree(host, monkeypatch, fast):
    monkeypatch.setenv('PYFN_SYNC_FAST_PATH', fast)
    host.d.sync_fast_path = dispatcher.sync_fast_path_enabled()
    assert host.d.sync_fast_path is (fast == '1')
    write(host.root, 'probe/__init__.py', SYNC_PROBE)
    host.init()
    logs.install(host.send, 'r', capture_stdio=False)
    host.load('p1', 'probe', [HTTP_IN, HTTP_RET])
    for inv in ('inv-a', 'inv-b'):
        r = host.http('p1', inv=inv)
        assert r['invocation_id'] == inv and r['result']['status'] == 1
        body = r['return_value']['string']
        thread, ctx_inv, tls_inv, before = body.split()
        assert thread.startswith('pyfn-invoke_') and before == 'unset'
        assert ctx_inv == tls_inv == inv
        log = [x for x in host.logs() if x['message'].startswith('from ')][-1]
        assert log['invocation_id'] == inv


def test_invoker_pool_never_exceeds_its_size():
    import threading
    pool = dispatcher.InvokerPool(3)
    gate = threading.Event()
    running = []
    lock = threading.Lock()
    peak = [0]

    def job():
        with lock:
            running.append(1)
            peak[0] = max(peak[0], len(running))
        gate.wait(5)
        with lock:
            running.pop()

    for _ in range(10):
        pool.submit(job)
    import time
    time.sleep(0.2)
    assert len(pool._threads) == 3 and peak[0] == 3
    gate.set()
    pool.shutdown(wait=True)
    assert all(t.name.startswith('pyfn-invoke_') for t in pool._threads)


# -- streaming HTTP (HttpUri; docs/behaviour.md, "Streaming HTTP") ------------

STREAMING_APP = '''
    import azure.functions as func
    from azurefunctions.extensions.http.fastapi import Request, StreamingResponse

    app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

    @app.route(route="s/{n}")
    async def s(req: Request) -> StreamingResponse:
        n = int(req.path_params["n"])
        body = b"".join([c async for c in req.stream()])
        async def parts():
            for i in range(n):
                yield f"{i}:{len(body)};".encode()
        return StreamingResponse(parts(), media_type="text/plain")

    @app.route(route="c")
    def c(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse("classic " + req.get_body().decode(), status_code=202)
'''


def _streaming_host(host):
    pytest.importorskip('starlette')
    write(host.root, 'function_app.py', STREAMING_APP)
    _, _, init = host.init()
    _, _, p = host.ask('functions_metadata_request',
                       {'function_app_directory': host.root})
    ids = {}
    for md in p['function_metadata_results']:
        res = host.ask('function_load_request', {'function_id': md['function_id'],
                                                 'metadata': md})[2]
        assert res['result']['status'] == 1, res
        ids[md['name']] = md['function_id']
    return init, ids


def _forward(host, uri, fid, inv, params, raw_request):
    """Sends the params-only InvocationRequest and the raw request to the
    endpoint (as pyfn-host does); returns (invocation response, raw answer)."""
    port = int(uri.rsplit(':', 1)[1].strip('/'))

    async def go():
        host.d.handle('invocation_request', inv, {
            'invocation_id': inv, 'function_id': fid, 'input_data': [
                {'name': 'req', 'data': {'http': {'params': params}}}]})
        reader, writer = await asyncio.open_connection('127.0.0.1', port)
        writer.write(raw_request)
        await writer.drain()
        data = await asyncio.wait_for(reader.read(), 10)
        writer.close()
        await host.d.drain()
        return data
    data = host.loop.run_until_complete(go())
    answers = [m for m in host.sent if m[0] == 'invocation_response' and m[1] == inv]
    return answers[-1][2], data


def test_streaming_app_advertises_http_uri(host):
    init, _ = _streaming_host(host)
    caps = init['capabilities']
    assert caps['HttpUri'].startswith('http://127.0.0.1:')
    assert caps['RequiresRouteParameters'] == 'true'


def test_plain_app_does_not_advertise_http_uri(host, monkeypatch):
    # (an earlier test's app imported the extension module in this process)
    monkeypatch.delitem(sys.modules, 'azurefunctions.extensions.http.fastapi',
                        raising=False)
    write(host.root, 'function_app.py', '''
        import azure.functions as func
        app = func.FunctionApp()

        @app.route(route="hi")
        def hi(req: func.HttpRequest) -> str:
            return "hi"
    ''')
    _, _, p = host.init()
    assert 'HttpUri' not in p['capabilities']


def test_streaming_function_answers_over_the_forwarded_request(host):
    init, ids = _streaming_host(host)
    resp, data = _forward(
        host, init['capabilities']['HttpUri'], ids['s'], 'inv-s', {'n': '3'},
        b'POST /api/s/3 HTTP/1.1\r\nHost: h\r\nx-ms-invocation-id: inv-s\r\n'
        b'Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n'
        b'2\r\nab\r\n3\r\ncde\r\n0\r\n\r\n')
    assert resp['result']['status'] == 1, resp
    assert 'return_value' not in resp
    head, _, body = data.partition(b'\r\n\r\n')
    assert head.startswith(b'HTTP/1.1 200')
    assert b'transfer-encoding: chunked' in head.lower()
    assert b'0:5;' in body and b'2:5;' in body


def test_classic_function_in_a_streaming_app_is_answered_whole(host):
    init, ids = _streaming_host(host)
    resp, data = _forward(
        host, init['capabilities']['HttpUri'], ids['c'], 'inv-c', {},
        b'POST /api/c HTTP/1.1\r\nHost: h\r\nx-ms-invocation-id: inv-c\r\n'
        b'Content-Length: 4\r\nConnection: close\r\n\r\nbody')
    assert resp['result']['status'] == 1, resp
    assert 'return_value' not in resp
    assert data.startswith(b'HTTP/1.1 202')
    assert data.endswith(b'classic body')


def test_streaming_off_keeps_rpc_http(host, monkeypatch):
    monkeypatch.setenv('PYFN_HTTP_STREAMING', '0')
    init, _ = _streaming_host(host)
    assert 'HttpUri' not in init['capabilities']
