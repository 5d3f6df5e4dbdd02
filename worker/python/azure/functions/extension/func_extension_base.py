"""FuncExtensionBase: an extension bound to one function."""

import abc
import os
import typing
from logging import Logger

from .._abc import Context
from .extension_meta import ExtensionMeta
from .extension_scope import ExtensionScope
from .function_extension_exception import FunctionExtensionException

__all__ = ('FuncExtensionBase',)


class FuncExtensionBase(metaclass=ExtensionMeta):
    """Subclass it, call ``super().__init__(file_path)`` in ``__init__`` and
    instantiate it in the function's script with ``__file__``; the function
    (trigger) name is the first folder of that path under
    ``AzureWebJobsScriptRoot``."""

    _scope = ExtensionScope.FUNCTION

    @abc.abstractmethod
    def __init__(self, file_path: str):
        script_root = os.getenv('AzureWebJobsScriptRoot')
        if script_root is None:
            raise FunctionExtensionException(
                'AzureWebJobsScriptRoot environment variable is not defined. '
                'Please ensure the extension is running in Azure Functions.')
        rel = os.path.relpath(os.path.normpath(os.path.abspath(file_path)),
                              os.path.normpath(os.path.abspath(script_root)))
        trigger_name = (rel.split(os.sep) or [''])[0]
        if not trigger_name or trigger_name.startswith('.'):
            raise FunctionExtensionException(
                f'Failed to parse trigger name from {file_path!r}: a function '
                f'extension must be created inside a function folder under '
                f'{script_root!r}, with __file__ as its argument.')
        self._trigger_name = trigger_name

    def post_function_load(self, function_name: str,
                           function_directory: str, *args, **kwargs) -> None:
        """After the function is loaded."""

    def pre_invocation(self, logger: Logger, context: Context,
                       func_args: typing.Optional[
                           typing.Dict[str, object]] = None,
                       *args, **kwargs) -> None:
        """Before each invocation of the function."""

    def post_invocation(self, logger: Logger, context: Context,
                        func_args: typing.Optional[
                            typing.Dict[str, object]] = None,
                        func_ret: typing.Optional[object] = None,
                        *args, **kwargs) -> None:
        """After each invocation of the function."""
