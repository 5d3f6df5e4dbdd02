"""pytest for pyfn_worker.main: the start without the event loop and the move
to the loop at the first async invocation.

Each case runs main.main() in a fresh interpreter (so that what it imports is
what a worker imports) with `_pyfn` replaced by a scripted stream: recv()
hands out the host's messages one by one, waiting for the answers each one
needs, and send() records what the worker answered.
"""

import json
import os
import subprocess
import sys
import textwrap

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON_DIR = os.path.dirname(HERE)

HTTP_IN = json.dumps({'type': 'httpTrigger', 'direction': 'in', 'name': 'req',
                      'authLevel': 'anonymous'})
HTTP_RET = json.dumps({'type': 'http', 'direction': 'out', 'name': '$return'})

DRIVER = textwrap.dedent('''
    import json, sys, threading, types
    sys.path.insert(0, sys.argv[1])
    root, script = sys.argv[2], json.loads(sys.argv[3])
    sent, cond = [], threading.Condition()
    seen = {}

    def send(kind, request_id, payload):
        with cond:
            if kind == 'invocation_response':
                seen[payload['invocation_id']] = 'asyncio' in sys.modules
            sent.append((kind, request_id, payload))
            cond.notify_all()
        return True

    def answered(n):
        with cond:
            return cond.wait_for(
                lambda: sum(k != 'rpc_log' for k, _, _ in sent) >= n, 20)

    steps = iter(script)
    count = [0]

    def recv():
        step = next(steps, None)
        if step is None:
            return None
        if step[0] != 'invocation_cancel':
            count[0] += 1
        if count[0] > 1:
            assert answered(count[0] - 1), sent
        return tuple(step)

    sys.modules['_pyfn'] = types.SimpleNamespace(send=send, recv=recv)
    from pyfn_worker import main
    code = main.main({'worker_id': 'w', 'request_id': 'r'})
    assert answered(count[0]), sent
    sys.__stdout__.write(json.dumps({
        'code': code, 'asyncio_at_answer': seen,
        'answers': [m for m in sent if m[0] != 'rpc_log']}, default=repr) + '\\n')
    sys.__stdout__.flush()
''')


def write_app(root):
    for name, body in (
            ('hello', 'def main(req):\n    return "hi " + req.method\n'),
            ('later', 'async def main(req):\n    return "async"\n')):
        os.makedirs(os.path.join(root, name))
        with open(os.path.join(root, name, '__init__.py'), 'w') as f:
            f.write(body)


def load(root, name):
    return ['function_load_request', 'l-' + name, {
        'function_id': name, 'metadata': {
            'name': name, 'directory': os.path.join(root, name),
            'script_file': os.path.join(root, name, '__init__.py'),
            'raw_bindings': [HTTP_IN, HTTP_RET]}}]


def invoke(fid, inv):
    return ['invocation_request', 'i-' + inv, {
        'invocation_id': inv, 'function_id': fid, 'input_data': [
            {'name': 'req', 'data': {'http': {
                'method': 'GET', 'url': 'http://localhost/api/x',
                'headers': {}, 'query': {}, 'params': {}}}}]}]


def run(tmp_path, script, **env):
    root = str(tmp_path)
    write_app(root)
    environ = dict(os.environ, AzureWebJobsScriptRoot=root,
                   PYTHON_ENABLE_WORKER_EXTENSIONS='0', **env)
    out = subprocess.run(
        [sys.executable, '-c', DRIVER, PYTHON_DIR, root,
         json.dumps(script)],
        env=environ, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def returned(answer):
    return answer[2]['return_value']['string']


def test_sync_app_is_served_without_asyncio(tmp_path):
    root = str(tmp_path)
    r = run(tmp_path, [
        ['worker_init_request', 'init', {'function_app_directory': root}],
        load(root, 'hello'),
        invoke('hello', 'a'), invoke('hello', 'b'),
        ['worker_status_request', 's', {}],
    ])
    assert r['code'] == 0
    kinds = [a[0] for a in r['answers']]
    assert kinds.count('invocation_response') == 2
    assert kinds[:2] == ['worker_init_response', 'function_load_response']
    assert [returned(a) for a in r['answers']
            if a[0] == 'invocation_response'] == ['hi GET', 'hi GET']
    assert r['asyncio_at_answer'] == {'a': False, 'b': False}


def test_first_async_invocation_moves_to_the_loop(tmp_path):
    root = str(tmp_path)
    r = run(tmp_path, [
        ['worker_init_request', 'init', {'function_app_directory': root}],
        load(root, 'hello'), load(root, 'later'),
        invoke('hello', 'a'), invoke('later', 'b'), invoke('hello', 'c'),
        invoke('later', 'd'),
    ])
    assert r['code'] == 0
    got = {a[2]['invocation_id']: returned(a) for a in r['answers']
           if a[0] == 'invocation_response'}
    assert got == {'a': 'hi GET', 'b': 'async', 'c': 'hi GET', 'd': 'async'}
    assert r['asyncio_at_answer']['a'] is False
    assert r['asyncio_at_answer']['d'] is True


def test_loop_at_start_setting(tmp_path):
    root = str(tmp_path)
    r = run(tmp_path, [
        ['worker_init_request', 'init', {'function_app_directory': root}],
        load(root, 'hello'), invoke('hello', 'a'),
    ], PYFN_LOOP_AT_START='1')
    assert r['code'] == 0
    assert r['asyncio_at_answer'] == {'a': True}
