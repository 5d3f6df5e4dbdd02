"""Worker extension API (spec P3)."""

from .app_extension_base import AppExtensionBase
from .extension_meta import ExtensionMeta
from .func_extension_base import FuncExtensionBase
from .function_extension_exception import FunctionExtensionException

__all__ = ('ExtensionMeta', 'AppExtensionBase', 'FuncExtensionBase',
           'FunctionExtensionException')
