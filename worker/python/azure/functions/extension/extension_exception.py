"""Alias module (older public layout)."""

from .function_extension_exception import FunctionExtensionException

__all__ = ('FunctionExtensionException',)
