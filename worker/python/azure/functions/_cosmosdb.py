"""Document / DocumentList (Cosmos DB)."""

import collections

from . import _abc
from . import _utils

__all__ = ('Document', 'DocumentList')


class Document(_utils.JsonDictMixin, _abc.Document, collections.UserDict):
    """A Cosmos DB document; behaves like a dict."""

    def __repr__(self) -> str:
        return f'<azure.Document at 0x{id(self):0x}>'


class DocumentList(_abc.DocumentList, collections.UserList):
    """A list of :class:`Document` objects."""
