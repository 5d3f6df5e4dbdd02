"""The function-level hook lists."""

import typing

from .extension_hook_meta import ExtensionHookMeta

__all__ = ('FuncExtensionHooks',)


class FuncExtensionHooks(typing.NamedTuple):
    post_function_load: typing.List[ExtensionHookMeta]
    pre_invocation: typing.List[ExtensionHookMeta]
    post_invocation: typing.List[ExtensionHookMeta]
