"""InputStream: a read-only blob."""

import io
import typing

from . import _abc

__all__ = ('InputStream',)


class InputStream(_abc.InputStream):
    """A blob read through a binding: readable, not seekable or writable."""

    def __init__(self, *, data: typing.Union[bytes, bytearray, str] = b'',
                 name: typing.Optional[str] = None,
                 uri: typing.Optional[str] = None,
                 length: typing.Optional[int] = None,
                 blob_properties: typing.Optional[dict] = None,
                 metadata: typing.Optional[dict] = None) -> None:
        super().__init__()
        if isinstance(data, str):
            data = data.encode('utf-8')
        elif data is None:
            data = b''
        self._io = io.BytesIO(bytes(data))
        self._name = name
        self._uri = uri
        self._length = length
        self._blob_properties = blob_properties
        self._metadata = metadata

    @property
    def name(self) -> typing.Optional[str]:
        return self._name

    @property
    def length(self) -> typing.Optional[int]:
        return self._length

    @property
    def uri(self) -> typing.Optional[str]:
        return self._uri

    @property
    def blob_properties(self) -> typing.Optional[dict]:
        return self._blob_properties

    @property
    def metadata(self) -> typing.Optional[dict]:
        return self._metadata

    def read(self, size: typing.Optional[int] = -1) -> bytes:
        return self._io.read(-1 if size is None else size)

    read1 = read

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def writable(self) -> bool:
        return False

    def __repr__(self) -> str:
        return (f'<azure.functions.InputStream name={self._name!r} '
                f'length={self._length!r}>')
