"""Where an extension applies."""

import enum

__all__ = ('ExtensionScope',)


class ExtensionScope(enum.Enum):
    UNKNOWN = 0
    APPLICATION = 1
    FUNCTION = 2
