"""SqlRow / SqlRowList (Azure SQL bindings)."""

import collections
import json

from . import _abc

__all__ = ('SqlRow', 'SqlRowList')


class SqlRow(_abc.SqlRow, collections.UserDict):
    """A SQL row; behaves like a dict."""

    @classmethod
    def from_json(cls, json_data: str) -> 'SqlRow':
        return cls.from_dict(json.loads(json_data))

    @classmethod
    def from_dict(cls, dct: dict) -> 'SqlRow':
        return cls(dict(dct))

    def to_json(self) -> str:
        return json.dumps(dict(self))

    def __getitem__(self, key):
        return collections.UserDict.__getitem__(self, key)

    def __setitem__(self, key, value):
        collections.UserDict.__setitem__(self, key, value)

    def __repr__(self) -> str:
        return f'<SqlRow at 0x{id(self):0x}>'


class SqlRowList(_abc.SqlRowList, collections.UserList):
    """A list of :class:`SqlRow` objects."""
