"""Converter for the ``blob`` / ``blobTrigger`` bindings."""

import typing

from . import _abc
from . import _utils
from . import meta
from ._blob import InputStream

__all__ = ('InputStream', 'BlobConverter')


class BlobConverter(meta.InConverter, meta.OutConverter, binding='blob',
                    trigger='blobTrigger'):
    """In: InputStream (str and bytes annotations are accepted too).
    Out: str, bytes, bytearray or anything with ``read()``."""

    @classmethod
    def check_input_type_annotation(cls, pytype: type) -> bool:
        return _utils.safe_issubclass(pytype, (_abc.InputStream, bytes, str))

    @classmethod
    def check_output_type_annotation(cls, pytype: type) -> bool:
        return (_utils.safe_issubclass(
                    pytype, (str, bytes, bytearray, _abc.InputStream))
                or callable(getattr(pytype, 'read', None)))

    @classmethod
    def encode(cls, obj: typing.Any, *,
               expected_type: typing.Optional[type] = None) -> meta.Datum:
        original = obj
        if callable(getattr(obj, 'read', None)):
            obj = obj.read()
        if isinstance(obj, str):
            return meta.Datum(type='string', value=obj)
        if isinstance(obj, (bytes, bytearray, memoryview)):
            return meta.Datum(type='bytes', value=bytes(obj))
        raise _utils.unsupported(
            'blob', original, 'str, bytes, bytearray or a file-like object')

    @classmethod
    def decode(cls, data: meta.Datum, *, trigger_metadata=None,
               pytype: typing.Optional[type] = None) -> typing.Any:
        """An InputStream; with ``pytype=str``/``bytes`` (the parameter's
        annotation, optional) the content as that type instead."""
        if data is None or data.type is None:
            return None
        if data.type == 'string':
            payload = data.value.encode('utf-8')
        elif data.type == 'bytes':
            payload = bytes(data.value)
        elif data.type == 'json':
            payload = str(data.value).encode('utf-8')
        else:
            raise _utils.unsupported_datum('blob', data.type,
                                           'string or bytes')
        if pytype is bytes:
            return payload
        if pytype is str:
            return payload.decode('utf-8')
        if not trigger_metadata:
            return InputStream(data=payload)

        # As the public package: name from BlobTrigger, uri from Uri, the
        # length from Properties.ContentLength, else Properties.Length; empty
        # Properties and a Metadata that is not an object give None.
        properties = cls._decode_trigger_metadata_field(
            trigger_metadata, 'Properties', python_type=dict) or None
        try:
            metadata = cls._decode_trigger_metadata_field(
                trigger_metadata, 'Metadata', python_type=dict)
        except (KeyError, ValueError):
            metadata = None
        return InputStream(
            data=payload,
            name=cls._decode_trigger_metadata_field(
                trigger_metadata, 'BlobTrigger', python_type=str),
            uri=cls._decode_trigger_metadata_field(
                trigger_metadata, 'Uri', python_type=str),
            length=_blob_length(properties),
            blob_properties=properties,
            metadata=metadata,
        )


def _blob_length(properties: typing.Optional[dict]) -> typing.Optional[int]:
    """``ContentLength or Length``, as the public package reads it. pyfn: an
    empty blob (0) is 0, where the public package's ``or`` makes it None."""
    if not properties:
        return None
    value = properties.get('ContentLength') or properties.get('Length')
    if value:
        return int(value)
    if any(properties.get(k) in (0, '0')
           for k in ('ContentLength', 'Length')):
        return 0
    return None
