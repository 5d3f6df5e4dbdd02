"""Converters for the Durable Functions triggers."""

import json
import typing

from . import _durable_functions as df
from . import _utils
from . import meta

__all__ = ('OrchestrationTriggerConverter', 'EntityTriggerConverter',
           'ActivityTriggerConverter')


def _text(data: meta.Datum) -> typing.Any:
    v = data.value
    return bytes(v).decode('utf-8') if isinstance(v, (bytes, bytearray)) \
        else v


class _ContextTriggerConverter(meta.InConverter, meta.OutConverter):
    """What the orchestration and entity triggers share: the input is a
    ``_context_type`` of the body text, the (implicit) output is JSON."""

    _context_type: typing.Any = None

    @classmethod
    def check_input_type_annotation(cls, pytype) -> bool:
        return _utils.safe_issubclass(pytype, cls._context_type)

    @classmethod
    def check_output_type_annotation(cls, pytype) -> bool:
        return True

    @classmethod
    def decode(cls, data: meta.Datum, *, trigger_metadata=None):
        return cls._context_type(_text(data))

    @classmethod
    def encode(cls, obj: typing.Any, *,
               expected_type: typing.Optional[type] = None) -> meta.Datum:
        return meta.Datum(type='json', value=obj)

    @classmethod
    def has_implicit_output(cls) -> bool:
        return True


class OrchestrationTriggerConverter(_ContextTriggerConverter,
                                    binding='orchestrationTrigger',
                                    trigger=True):
    _context_type = df.OrchestrationContext


class EntityTriggerConverter(_ContextTriggerConverter,
                             binding='entityTrigger', trigger=True):
    _context_type = df.EntityContext


class ActivityTriggerConverter(meta.InConverter, meta.OutConverter,
                               binding='activityTrigger', trigger=True):

    @classmethod
    def check_input_type_annotation(cls, pytype) -> bool:
        return True

    @classmethod
    def check_output_type_annotation(cls, pytype) -> bool:
        return True

    @classmethod
    def decode(cls, data: meta.Datum, *, trigger_metadata=None):
        if data.type not in ('string', 'json', 'bytes'):
            raise _utils.unsupported_datum('activityTrigger', data.type,
                                           'string or json')
        text = _text(data)
        try:
            return json.loads(text,
                              object_hook=df._deserialize_custom_object)
        except json.JSONDecodeError:
            return text

    @classmethod
    def encode(cls, obj: typing.Any, *,
               expected_type: typing.Optional[type] = None) -> meta.Datum:
        try:
            value = json.dumps(obj, default=df._serialize_custom_object)
        except TypeError:
            raise _utils.UnsupportedTypeError(
                f'the \'activityTrigger\' binding output must be JSON '
                f'serializable, got {type(obj).__name__}') from None
        return meta.Datum(type='json', value=value)

    @classmethod
    def has_implicit_output(cls) -> bool:
        return True


# The public package's spelling of the entity trigger converter's name.
EnitityTriggerConverter = EntityTriggerConverter
