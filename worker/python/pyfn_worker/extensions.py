"""Worker extensions (spec P3): the library's ExtensionMeta hooks.

Enabled by PYTHON_ENABLE_WORKER_EXTENSIONS (default on for Python >= 3.9, as in
Azure's worker). Order around a call: app-pre, function-pre, function,
function-post, app-post; after a function loads: post_function_load (function
hooks) then post_function_load_app_level. A hook that raises is logged on the
extension's own logger and never fails the call.
"""

import logging
import os
import sys

from .loader import is_true

logger = logging.getLogger('pyfn_worker')


def enabled() -> bool:
    value = os.environ.get('PYTHON_ENABLE_WORKER_EXTENSIONS')
    if value is None or value.strip() == '':
        return sys.version_info >= (3, 9)
    return is_true(value)


_EXTENSION_META = 'azure.functions.extension.extension_meta'


def _meta():
    # No extension can have registered before ExtensionMeta's module is
    # imported (importing AppExtensionBase/FuncExtensionBase imports it):
    # until then there is nothing to look up, and nothing to import.
    if _EXTENSION_META not in sys.modules or not enabled():
        return None
    try:
        import azure.functions as func
    except ImportError:  # pragma: no cover
        return None
    return getattr(func, 'ExtensionMeta', None)


def _hooks(holder, name):
    if holder is None:
        return []
    hooks = getattr(holder, name, None)
    if hooks is None and isinstance(holder, dict):
        hooks = holder.get(name)
    return list(hooks or [])


def _run(holder, hook_name, *args, pass_logger=True):
    for hook in _hooks(holder, hook_name):
        ext_name = getattr(hook, 'ext_name', None) or 'extension'
        ext_logger = logging.getLogger(ext_name)
        try:
            if pass_logger:
                hook.ext_impl(ext_logger, *args)
            else:
                hook.ext_impl(*args)
        except Exception as e:
            ext_logger.error('extension %s failed in %s: %s', ext_name,
                             hook_name, e, exc_info=True)


def _app_hooks(meta):
    try:
        return meta.get_application_hooks()
    except Exception as e:
        logger.warning('cannot get application extension hooks: %s', e)
        return None


def _func_hooks(meta, function_name):
    try:
        return meta.get_function_hooks(function_name)
    except Exception as e:
        logger.warning('cannot get function extension hooks for %s: %s',
                       function_name, e)
        return None


def post_function_load(function_name: str, function_directory: str) -> None:
    meta = _meta()
    if meta is None:
        return
    _run(_func_hooks(meta, function_name), 'post_function_load',
         function_name, function_directory, pass_logger=False)
    _run(_app_hooks(meta), 'post_function_load_app_level',
         function_name, function_directory, pass_logger=False)


class InvocationHooks:
    """The hooks of one call, looked up once."""

    def __new__(cls, function_name: str):
        if _EXTENSION_META not in sys.modules:  # no extension anywhere
            return _NO_HOOKS
        return super().__new__(cls)

    def __init__(self, function_name: str) -> None:
        if self is _NO_HOOKS:
            return
        meta = _meta()
        self.app = _app_hooks(meta) if meta is not None else None
        self.func = _func_hooks(meta, function_name) if meta is not None else None
        self.active = bool(
            _hooks(self.app, 'pre_invocation_app_level') or
            _hooks(self.app, 'post_invocation_app_level') or
            _hooks(self.func, 'pre_invocation') or
            _hooks(self.func, 'post_invocation'))

    def pre(self, context, args) -> None:
        _run(self.app, 'pre_invocation_app_level', context, args)
        _run(self.func, 'pre_invocation', context, args)

    def post(self, context, args, result) -> None:
        _run(self.func, 'post_invocation', context, args, result)
        _run(self.app, 'post_invocation_app_level', context, args, result)


class _NoHooks(InvocationHooks):
    def __new__(cls, function_name: str = ''):
        return object.__new__(cls)

    def __init__(self, function_name: str = '') -> None:
        self.app = self.func = None
        self.active = False


_NO_HOOKS = _NoHooks()
