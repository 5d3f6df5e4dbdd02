"""SqlRow / SqlRowList (Azure SQL bindings)."""

import collections

from . import _abc
from . import _utils

__all__ = ('SqlRow', 'SqlRowList')


class SqlRow(_utils.JsonDictMixin, _abc.SqlRow, collections.UserDict):
    """A SQL row; behaves like a dict."""

    def __repr__(self) -> str:
        return f'<SqlRow at 0x{id(self):0x}>'


class SqlRowList(_abc.SqlRowList, collections.UserList):
    """A list of :class:`SqlRow` objects."""
