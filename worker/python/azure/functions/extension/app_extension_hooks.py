"""The application-level hook lists."""

import typing

from .extension_hook_meta import ExtensionHookMeta

__all__ = ('AppExtensionHooks',)


class AppExtensionHooks(typing.NamedTuple):
    post_function_load_app_level: typing.List[ExtensionHookMeta]
    pre_invocation_app_level: typing.List[ExtensionHookMeta]
    post_invocation_app_level: typing.List[ExtensionHookMeta]
