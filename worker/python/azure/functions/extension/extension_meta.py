"""ExtensionMeta: registration of worker extensions.

An application extension (subclass of ``AppExtensionBase``) registers when
its class is created (on import) and its ``init()`` runs then. A function
extension (subclass of ``FuncExtensionBase``) registers when it is
instantiated with the function script's ``__file__``. The worker asks for
the hooks with :meth:`ExtensionMeta.get_application_hooks` and
:meth:`ExtensionMeta.get_function_hooks`.
"""

import abc
import json
import typing

from .app_extension_hooks import AppExtensionHooks
from .extension_hook_meta import ExtensionHookMeta
from .extension_scope import ExtensionScope
from .func_extension_hooks import FuncExtensionHooks
from .function_extension_exception import FunctionExtensionException

__all__ = ('ExtensionMeta',)

_BASE_NAMES = ('AppExtensionBase', 'FuncExtensionBase')


class ExtensionMeta(abc.ABCMeta):

    _func_exts: typing.Dict[str, FuncExtensionHooks] = {}
    _app_exts: typing.Optional[AppExtensionHooks] = None
    _info: typing.Dict[str, typing.Any] = {}

    def __init__(cls, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if ExtensionMeta._get_extension_scope(cls) is \
                ExtensionScope.APPLICATION:
            ExtensionMeta._register_application_extension(cls)

    def __call__(cls, *args, **kwargs):
        scope = ExtensionMeta._get_extension_scope(cls)
        if scope is ExtensionScope.FUNCTION:
            instance = super().__call__(*args, **kwargs)
            ExtensionMeta._register_function_extension(instance)
            return instance
        if scope is ExtensionScope.APPLICATION:
            raise FunctionExtensionException(
                f'Python worker extension with scope:{scope} should not be '
                f'instantiable. Please access via class method directly.')
        raise FunctionExtensionException(
            f'Python worker extension:{cls.__name__} is not properly '
            f'implemented from AppExtensionBase or FuncExtensionBase.')

    @classmethod
    def get_function_hooks(mcls, name: str) \
            -> typing.Optional[FuncExtensionHooks]:
        """Hooks of the function extensions bound to ``name`` (the function
        / trigger folder name, case-insensitive), or None."""
        return mcls._func_exts.get(name.lower())

    @classmethod
    def get_application_hooks(mcls) -> typing.Optional[AppExtensionHooks]:
        """Hooks of every application extension, or None if there is none."""
        return mcls._app_exts

    @classmethod
    def get_registered_extensions_json(mcls) -> str:
        """``{"FuncExtension": {"<Trigger>": [names]}, "AppExtension":
        [names]}`` as JSON, for diagnostics."""
        return json.dumps(mcls._info)

    @classmethod
    def _get_extension_scope(mcls, extension) -> ExtensionScope:
        return getattr(extension, '_scope', ExtensionScope.UNKNOWN)

    @classmethod
    def _set_hooks_for_function(mcls, trigger_name: str, ext) -> None:
        hooks = mcls._func_exts.setdefault(
            trigger_name.lower(), mcls._create_default_function_hook())
        for hook_name in hooks._fields:
            impl = getattr(ext, hook_name, None)
            if impl is not None:
                getattr(hooks, hook_name).append(ExtensionHookMeta(
                    ext_name=type(ext).__name__, ext_impl=impl))

    @classmethod
    def _set_hooks_for_application(mcls, ext) -> None:
        if mcls._app_exts is None:
            mcls._app_exts = mcls._create_default_app_hook()
        for hook_name in mcls._app_exts._fields:
            impl = getattr(ext, hook_name, None)
            if impl is not None:
                getattr(mcls._app_exts, hook_name).append(ExtensionHookMeta(
                    ext_name=ext.__name__, ext_impl=impl))

    @classmethod
    def _register_function_extension(mcls, extension) -> None:
        if type(extension).__name__ in _BASE_NAMES:
            return
        trigger_name = extension._trigger_name
        mcls._set_hooks_for_function(trigger_name, extension)
        mcls._info.setdefault('FuncExtension', {}).setdefault(
            trigger_name, []).append(type(extension).__name__)

    @classmethod
    def _register_application_extension(mcls, extension) -> None:
        if extension.__name__ in _BASE_NAMES and \
                extension.__module__.startswith('azure.functions.'):
            return
        init = getattr(extension, 'init', None)
        if init is not None:
            init()
        mcls._set_hooks_for_application(extension)
        mcls._info.setdefault('AppExtension', []).append(extension.__name__)

    @classmethod
    def _create_default_function_hook(mcls) -> FuncExtensionHooks:
        return FuncExtensionHooks(post_function_load=[], pre_invocation=[],
                                  post_invocation=[])

    @classmethod
    def _create_default_app_hook(mcls) -> AppExtensionHooks:
        return AppExtensionHooks(post_function_load_app_level=[],
                                 pre_invocation_app_level=[],
                                 post_invocation_app_level=[])

    @classmethod
    def _reset(mcls) -> None:
        """Forget every registration (for tests)."""
        mcls._func_exts = {}
        mcls._app_exts = None
        mcls._info = {}
