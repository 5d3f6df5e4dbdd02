"""azure.functions._signature answers as inspect does, and loading a plain
function (both programming models) does not import inspect."""

import functools
import inspect
import os
import pathlib
import subprocess
import sys
import textwrap

import pytest

from azure.functions import _signature

ROOT = pathlib.Path(__file__).resolve().parent.parent  # worker/python


def _inspect_view(func):
    sig = inspect.signature(func)
    variadic = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    params = [(p.name, p.kind in variadic,
               _signature.EMPTY if p.annotation is p.empty else p.annotation)
              for p in sig.parameters.values()]
    ret = sig.return_annotation
    return params, (_signature.EMPTY if ret is sig.empty else ret)


def plain(req, context): ...
def annotated(req: int, *, out: 'str' = '') -> bool: ...
def posonly(a, b: int, /, c, *args: str, d, e=1, **kwargs: bytes) -> None: ...
def only_varargs(*names): ...
def nothing(): ...
async def coroutine(req: str) -> str: ...
def generator(x): yield x
async def async_generator(x): yield x


@functools.wraps(annotated)
def wrapper(*args, **kwargs): ...


def with_signature(a, b): ...


with_signature.__signature__ = inspect.signature(nothing)


class Callable_:
    def __call__(self, req: int) -> int: ...

    def method(self, x, *, pytype=None): ...

    @classmethod
    def decode(cls, data, *, trigger_metadata=None): ...


CASES = [plain, annotated, posonly, only_varargs, nothing, coroutine, generator,
         async_generator, wrapper, with_signature, Callable_(), Callable_().method,
         Callable_.decode, functools.partial(posonly, 1), lambda x, y=2: x]


@pytest.mark.parametrize('func', CASES, ids=lambda f: getattr(f, '__name__', repr(f)))
def test_parameters_are_inspects(func):
    assert _signature.parameters(func) == _inspect_view(func)


@pytest.mark.parametrize('func', CASES + [None, 42, len, plain.__call__, str.join,
                                          object.__init__, Callable_().method.__call__],
                         ids=lambda f: getattr(f, '__name__', repr(f)))
@pytest.mark.parametrize('inspect_imported', [True, False])
def test_coroutine_function_is_inspects(func, inspect_imported, monkeypatch):
    expected = inspect.iscoroutinefunction(func)
    if not inspect_imported:  # the path taken before anything imported inspect
        monkeypatch.delitem(sys.modules, 'inspect')
    assert _signature.is_coroutine_function(func) is expected


def test_not_a_callable_raises_as_inspect_does():
    with pytest.raises(TypeError):
        _signature.parameters(42)
    with pytest.raises(TypeError):
        inspect.signature(42)


def test_plain_functions_are_read_without_inspect():
    code = textwrap.dedent('''
        import sys
        from azure.functions import _signature
        async def f(req: int, *a, k: str, **kw) -> str: ...
        print(_signature.parameters(f), _signature.is_coroutine_function(f))
        assert not _signature.is_coroutine_function(f.__call__)
        assert not _signature.is_coroutine_function(None)
        print('inspect' in sys.modules)
    ''')
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=str(ROOT)), check=True)
    lines = out.stdout.splitlines()
    assert lines[0] == ("([('req', False, <class 'int'>), ('a', True, EMPTY), "
                        "('k', False, <class 'str'>), ('kw', True, EMPTY)], "
                        "<class 'str'>) True")
    assert lines[1] == 'False'


def test_loading_an_app_does_not_import_inspect():
    # The worker's imports, a v1 function's checks and a v2 app's decorators.
    code = textwrap.dedent('''
        import sys
        import azure.functions as func
        from pyfn_worker import main, loader
        app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

        @app.route(route='hello')
        def hello(req: func.HttpRequest) -> str:
            return 'ok'

        from azure.functions.decorators.function_app import \\
            get_function_parameter_errors
        assert get_function_parameter_errors(app.get_functions()[0]) is None
        user = app.get_functions()[0].get_user_function()
        binding = {n: loader.Binding(n, t, d, 'undefined', {}) for n, t, d in
                   (('req', 'httpTrigger', 'in'), ('$return', 'http', 'out'))}
        info = loader.FunctionInfo('id', 'hello', '.', '__init__.py', user, binding)
        print(info.param_types, info.return_type, info.is_async)
        print(sorted(m for m in ('inspect', 'ast', 'dis') if m in sys.modules))
    ''')
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == ("{'req': <class 'azure.functions._http.HttpRequest'>} "
                        "<class 'str'> False")
    assert lines[1] == '[]'
