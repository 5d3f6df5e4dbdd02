"""The exception extensions raise for misuse."""

__all__ = ('FunctionExtensionException',)


class FunctionExtensionException(Exception):
    """Raised by the extension framework (or by an extension itself) when it
    is used incorrectly."""
