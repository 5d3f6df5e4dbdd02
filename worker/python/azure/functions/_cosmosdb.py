"""Document / DocumentList (Cosmos DB)."""

import collections
import json

from . import _abc

__all__ = ('Document', 'DocumentList')


class Document(_abc.Document, collections.UserDict):
    """A Cosmos DB document; behaves like a dict."""

    @classmethod
    def from_json(cls, json_data: str) -> 'Document':
        return cls.from_dict(json.loads(json_data))

    @classmethod
    def from_dict(cls, dct: dict) -> 'Document':
        return cls(dict(dct))

    def to_json(self) -> str:
        return json.dumps(dict(self))

    def __getitem__(self, key):
        return collections.UserDict.__getitem__(self, key)

    def __setitem__(self, key, value):
        collections.UserDict.__setitem__(self, key, value)

    def __repr__(self) -> str:
        return f'<azure.Document at 0x{id(self):0x}>'


class DocumentList(_abc.DocumentList, collections.UserList):
    """A list of :class:`Document` objects."""
