"""Worker extension API (spec P3)."""

import json
import os

import pytest

import azure.functions as func
from azure.functions.extension.extension_meta import ExtensionMeta


@pytest.fixture(autouse=True)
def clean_registry():
    ExtensionMeta._reset()
    yield
    ExtensionMeta._reset()


def test_no_extensions():
    assert func.ExtensionMeta.get_application_hooks() is None
    assert func.ExtensionMeta.get_function_hooks('Anything') is None


def test_app_extension_registers_on_definition_and_runs_init():
    calls = []

    class TimingExt(func.AppExtensionBase):
        @classmethod
        def init(cls):
            calls.append('init')

        @classmethod
        def configure(cls, *args, **kwargs):
            calls.append(('configure', kwargs))

        @classmethod
        def pre_invocation_app_level(cls, logger, context, func_args=None,
                                     *args, **kwargs):
            context.pre = True
            calls.append('pre')

        @classmethod
        def post_invocation_app_level(cls, logger, context, func_args=None,
                                      func_ret=None, *args, **kwargs):
            calls.append(('post', func_ret))

    assert calls == ['init']
    TimingExt.configure(level=1)
    hooks = func.ExtensionMeta.get_application_hooks()
    assert hooks is not None
    assert hooks._fields == ('post_function_load_app_level',
                             'pre_invocation_app_level',
                             'post_invocation_app_level')
    [pre] = hooks.pre_invocation_app_level
    assert pre.ext_name == 'TimingExt'

    class Ctx:
        pass
    ctx = Ctx()
    pre.ext_impl(None, ctx, {})
    assert ctx.pre is True
    hooks.post_invocation_app_level[0].ext_impl(None, ctx, {}, 'ret')
    # the base class' no-op hook is registered too, and is callable
    hooks.post_function_load_app_level[0].ext_impl('f', '/d')
    assert calls[-1] == ('post', 'ret')
    assert json.loads(func.ExtensionMeta.get_registered_extensions_json()) \
        == {'AppExtension': ['TimingExt']}


def test_app_extension_cannot_be_instantiated():
    class E(func.AppExtensionBase):
        @classmethod
        def init(cls):
            pass

        @classmethod
        def configure(cls):
            pass

    with pytest.raises(func.FunctionExtensionException):
        E()


def test_function_extension_resolves_trigger_name(tmp_path, monkeypatch):
    monkeypatch.setenv('AzureWebJobsScriptRoot', str(tmp_path))
    seen = []

    class FuncExt(func.FuncExtensionBase):
        def __init__(self, file_path):
            super().__init__(file_path)
            self.loaded = None

        def post_function_load(self, function_name, function_directory,
                               *args, **kwargs):
            self.loaded = function_name

        def pre_invocation(self, logger, context, func_args=None, *args,
                           **kwargs):
            seen.append(('pre', context))

        def post_invocation(self, logger, context, func_args=None,
                            func_ret=None, *args, **kwargs):
            seen.append(('post', func_ret))

    script = tmp_path / 'HttpTrigger' / '__init__.py'
    ext = FuncExt(str(script))
    assert ext._trigger_name == 'HttpTrigger'
    hooks = func.ExtensionMeta.get_function_hooks('HttpTrigger')
    assert hooks is func.ExtensionMeta.get_function_hooks('httptrigger')
    assert hooks._fields == ('post_function_load', 'pre_invocation',
                             'post_invocation')
    assert [h.ext_name for h in hooks.pre_invocation] == ['FuncExt']
    hooks.post_function_load[0].ext_impl('HttpTrigger', str(script.parent))
    assert ext.loaded == 'HttpTrigger'
    hooks.pre_invocation[0].ext_impl(None, 'ctx', {})
    hooks.post_invocation[0].ext_impl(None, 'ctx', {}, 7)
    assert seen == [('pre', 'ctx'), ('post', 7)]
    assert func.ExtensionMeta.get_function_hooks('Other') is None

    ext2 = FuncExt(str(tmp_path / 'HttpTrigger' / 'sub' / 'x.py'))
    assert ext2._trigger_name == 'HttpTrigger'
    assert len(hooks.pre_invocation) == 2
    info = json.loads(func.ExtensionMeta.get_registered_extensions_json())
    assert info == {'FuncExtension': {'HttpTrigger': ['FuncExt', 'FuncExt']}}


def test_function_extension_errors(tmp_path, monkeypatch):
    class FuncExt(func.FuncExtensionBase):
        def __init__(self, file_path):
            super().__init__(file_path)

    monkeypatch.delenv('AzureWebJobsScriptRoot', raising=False)
    with pytest.raises(func.FunctionExtensionException):
        FuncExt(str(tmp_path / 'F' / '__init__.py'))
    monkeypatch.setenv('AzureWebJobsScriptRoot', str(tmp_path / 'root'))
    with pytest.raises(func.FunctionExtensionException):
        FuncExt(str(tmp_path / 'elsewhere' / 'x.py'))
    assert func.ExtensionMeta.get_function_hooks('F') is None


def test_function_extension_requires_init(tmp_path, monkeypatch):
    monkeypatch.setenv('AzureWebJobsScriptRoot', str(tmp_path))

    class NoInit(func.FuncExtensionBase):
        pass

    with pytest.raises(TypeError):
        NoInit(os.path.join(str(tmp_path), 'F', 'a.py'))


def test_exception_type():
    assert issubclass(func.FunctionExtensionException, Exception)
    from azure.functions.extension import FunctionExtensionException
    assert FunctionExtensionException is func.FunctionExtensionException
