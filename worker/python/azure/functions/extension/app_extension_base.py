"""AppExtensionBase: extensions applied to every function of the app."""

import abc
import typing
from logging import Logger

from .._abc import Context
from .extension_meta import ExtensionMeta
from .extension_scope import ExtensionScope

__all__ = ('AppExtensionBase',)


class AppExtensionBase(metaclass=ExtensionMeta):
    """Subclass it and implement the hooks as class methods; the class is
    never instantiated. ``init()`` runs when the subclass is defined (on
    import), ``configure()`` is for the app to call."""

    _scope = ExtensionScope.APPLICATION

    @classmethod
    @abc.abstractmethod
    def init(cls):
        """Runs once when the extension is imported."""

    @classmethod
    @abc.abstractmethod
    def configure(cls, *args, **kwargs):
        """Called by the app to set the extension up."""

    @classmethod
    def post_function_load_app_level(cls, function_name: str,
                                     function_directory: str,
                                     *args, **kwargs) -> None:
        """After each function is loaded."""

    @classmethod
    def pre_invocation_app_level(cls, logger: Logger, context: Context,
                                 func_args: typing.Optional[
                                     typing.Dict[str, object]] = None,
                                 *args, **kwargs) -> None:
        """Before every invocation."""

    @classmethod
    def post_invocation_app_level(cls, logger: Logger, context: Context,
                                  func_args: typing.Optional[
                                      typing.Dict[str, object]] = None,
                                  func_ret: typing.Optional[object] = None,
                                  *args, **kwargs) -> None:
        """After every invocation."""
