"""One registered hook: the extension's name and the callable."""

import typing

__all__ = ('ExtensionHookMeta',)


class ExtensionHookMeta(typing.NamedTuple):
    ext_name: str
    ext_impl: typing.Callable
