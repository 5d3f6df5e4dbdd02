"""Binding converter registry: the contract between the worker and the
library (public azure.functions design).

The worker turns each ``TypedData`` into a :class:`Datum`, looks the
binding type up with ``get_binding_registry().get(binding_type)`` and calls
the converter's ``decode``/``encode`` class methods.
"""

import abc
import collections.abc
import datetime
import importlib
import json
import sys
import typing
from typing import Any, Dict, Mapping, Optional, Tuple, Union

from . import _utils

__all__ = ('Datum', 'InConverter', 'OutConverter', 'Converter',
           'get_binding_registry', 'is_iterable_type_annotation')

_COLLECTION_KINDS = {
    'collection_string': 'string',
    'collection_bytes': 'bytes',
    'collection_double': 'double',
    'collection_sint64': 'sint64',
}


def is_iterable_type_annotation(annotation: object, pytype: object) -> bool:
    """True if ``annotation`` is a generic iterable (``List[X]``,
    ``typing.Iterable[X]``, ``list[X]``...) whose item type ``X`` is related
    (sub- or superclass) to ``pytype`` (a class or a tuple of classes)."""
    origin = typing.get_origin(annotation)
    if not isinstance(origin, type) or \
            not issubclass(origin, collections.abc.Iterable):
        return False
    args = typing.get_args(annotation)
    if not args:
        return False
    types = pytype if isinstance(pytype, tuple) else (pytype,)
    return any(isinstance(t, type) and isinstance(a, type)
               and (issubclass(t, a) or issubclass(a, t))
               for t in types for a in args)


class Datum:
    """A typed value exchanged with the host.

    ``type`` is one of ``string bytes json int double http collection_string
    collection_bytes collection_double collection_sint64`` (or None).
    """

    def __init__(self, value: Any, type: Optional[str]):
        self.value = value
        self.type = type

    @property
    def python_value(self) -> Any:
        if self.value is None or self.type is None:
            return None
        if self.type in ('bytes', 'string', 'int', 'double'):
            return self.value
        if self.type == 'json':
            return _utils.json_loads(self.value)
        kind = _COLLECTION_KINDS.get(self.type)
        if kind is not None:
            return _utils.collection_items(self.value, kind)
        if self.type == 'http' and isinstance(self.value, dict):
            return {k: (v.python_value if isinstance(v, Datum) else v)
                    for k, v in self.value.items()}
        return self.value

    @property
    def python_type(self) -> type:
        return type(self.python_value)

    def __eq__(self, other):
        if not isinstance(other, Datum):
            return NotImplemented
        return self.value == other.value and self.type == other.type

    def __ne__(self, other):
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __hash__(self):
        try:
            return hash((Datum, self.value, self.type))
        except TypeError:
            return hash((Datum, self.type, repr(self.value)))

    def __repr__(self):
        val_repr = repr(self.value)
        if len(val_repr) > 10:
            val_repr = val_repr[:10] + '...'
        return '<Datum {} {}>'.format(self.type, val_repr)


# Built-in converters register when their module is imported; the registry
# imports that module the first time a binding type of it is asked for.
_CONVERTER_MODULES = {
    'blob': 'blob', 'blobTrigger': 'blob',
    'cosmosDB': 'cosmosdb', 'cosmosDBTrigger': 'cosmosdb',
    'orchestrationTrigger': 'durable_functions',
    'entityTrigger': 'durable_functions',
    'activityTrigger': 'durable_functions',
    'eventGrid': 'eventgrid', 'eventGridTrigger': 'eventgrid',
    'eventHub': 'eventhub', 'eventHubTrigger': 'eventhub',
    'http': 'http', 'httpTrigger': 'http',
    'kafka': 'kafka', 'kafkaTrigger': 'kafka',
    'queue': 'queue', 'queueTrigger': 'queue',
    'serviceBus': 'servicebus', 'serviceBusTrigger': 'servicebus',
    'sql': 'sql',
    'timerTrigger': 'timer',
    'warmupTrigger': 'warmup',
}


def _load_builtin_converter(binding_name: str) -> None:
    module = _CONVERTER_MODULES.get(binding_name)
    if module is not None:
        name = __name__.rpartition('.')[0] + '.' + module
        if name not in sys.modules:
            importlib.import_module(name)


class _ConverterMeta(abc.ABCMeta):
    """Registers each converter class under its ``binding=`` name (and its
    ``trigger=`` name when that is a string)."""

    _bindings: Dict[str, type] = {}

    def __new__(mcls, name, bases, dct, *, binding: Optional[str] = None,
                trigger: Union[None, bool, str] = None, **kwargs):
        cls = super().__new__(mcls, name, bases, dct, **kwargs)
        cls._trigger = trigger
        cls._binding_name = binding if binding is not None else \
            getattr(cls, '_binding_name', None)
        if binding is None:
            return cls
        names = [binding]
        if isinstance(trigger, str) and trigger != binding:
            names.append(trigger)
        for n in names:
            # A built-in converter for this name registers first, as when
            # every converter was imported with the package.
            if n not in mcls._bindings:
                _load_builtin_converter(n)
            if n in mcls._bindings:
                raise RuntimeError(
                    f'cannot register a converter for {n!r} binding: '
                    f'{mcls._bindings[n].__qualname__} is already '
                    f'registered for it')
        for n in names:
            mcls._bindings[n] = cls
        return cls

    def __init__(cls, name, bases, dct, *, binding=None, trigger=None,
                 **kwargs):
        super().__init__(name, bases, dct, **kwargs)

    @classmethod
    def get(mcls, binding_name: str) -> Optional[type]:
        """The converter class for a binding type, or None."""
        conv = mcls._bindings.get(binding_name)
        if conv is None and binding_name in _CONVERTER_MODULES:
            _load_builtin_converter(binding_name)
            conv = mcls._bindings.get(binding_name)
        return conv

    @classmethod
    def bindings(mcls) -> Dict[str, type]:
        """A copy of the registry (binding type -> converter class)."""
        for n in _CONVERTER_MODULES:
            _load_builtin_converter(n)
        return dict(mcls._bindings)


class _BaseConverter(metaclass=_ConverterMeta, binding=None):

    @classmethod
    def has_trigger_support(cls) -> bool:
        return cls._trigger is not None  # type: ignore

    @classmethod
    def has_implicit_output(cls) -> bool:
        return False

    @classmethod
    def check_input_type_annotation(cls, pytype: type) -> bool:
        return False

    @classmethod
    def check_output_type_annotation(cls, pytype: type) -> bool:
        return False

    @classmethod
    def decode(cls, data: Datum, *, trigger_metadata) -> Any:
        raise _utils.UnsupportedTypeError(
            f'the {cls._binding_name!r} binding cannot be used as an input')

    @classmethod
    def encode(cls, obj: Any, *, expected_type: Optional[type]) -> Datum:
        raise _utils.UnsupportedTypeError(
            f'the {cls._binding_name!r} binding cannot be used as an output')

    # -- helpers for converters (same names as the public package) --

    @classmethod
    def _decode_typed_data(
            cls, data: Optional[Datum], *,
            python_type: Union[type, Tuple[type, ...]],
            context: str = 'data') -> Any:
        if data is None or data.type is None:
            return None
        data_type = data.type
        if data_type == 'json':
            result = _utils.json_loads(data.value)
        elif data_type in ('string', 'int', 'double', 'bytes'):
            result = data.value
        elif data_type in _COLLECTION_KINDS:
            result = _utils.collection_items(
                data.value, _COLLECTION_KINDS[data_type])
        else:
            raise ValueError(f'unsupported type of {context}: {data_type}')

        if result is None or isinstance(result, python_type):
            return result
        if isinstance(python_type, tuple):
            raise ValueError(
                f'unexpected value type in {context}: '
                f'{type(result).__name__}, expected one of: '
                f'{", ".join(t.__name__ for t in python_type)}')
        try:
            return python_type(result)
        except (TypeError, ValueError) as e:
            raise ValueError(
                f'cannot convert value of {context} into '
                f'{python_type.__name__}: {e}') from None

    @classmethod
    def _decode_trigger_metadata_field(
            cls, trigger_metadata: Optional[Mapping[str, Datum]],
            field: str, *,
            python_type: Union[type, Tuple[type, ...]]) -> Any:
        if not trigger_metadata:
            return None
        data = trigger_metadata.get(field)
        if data is None:
            return None
        return cls._decode_typed_data(
            data, python_type=python_type,
            context=f'field {field!r} in trigger metadata')

    @classmethod
    def _parse_datetime_metadata(
            cls, trigger_metadata: Optional[Mapping[str, Datum]],
            field: str) -> Optional[datetime.datetime]:
        value = cls._decode_trigger_metadata_field(
            trigger_metadata, field, python_type=str)
        return None if value is None else cls._parse_datetime(value)

    @classmethod
    def _parse_timedelta_metadata(
            cls, trigger_metadata: Optional[Mapping[str, Datum]],
            field: str) -> Optional[datetime.timedelta]:
        value = cls._decode_trigger_metadata_field(
            trigger_metadata, field, python_type=str)
        return None if value is None else cls._parse_timedelta(value)

    @classmethod
    def _parse_datetime(cls, datetime_str: Optional[str]) \
            -> Optional[datetime.datetime]:
        return _utils.parse_datetime(datetime_str)

    @classmethod
    def _parse_timedelta(cls, timedelta_str: Optional[str]) \
            -> Optional[datetime.timedelta]:
        return _utils.parse_timedelta(timedelta_str)


class InConverter(_BaseConverter, binding=None):
    """Base class of converters for input and trigger bindings."""

    @classmethod
    @abc.abstractmethod
    def check_input_type_annotation(cls, pytype: type) -> bool:
        pass

    @classmethod
    @abc.abstractmethod
    def decode(cls, data: Datum, *, trigger_metadata) -> Any:
        pass

    @classmethod
    def has_implicit_output(cls) -> bool:
        return False


class OutConverter(_BaseConverter, binding=None):
    """Base class of converters for output bindings."""

    @classmethod
    @abc.abstractmethod
    def check_output_type_annotation(cls, pytype: type) -> bool:
        pass

    @classmethod
    @abc.abstractmethod
    def encode(cls, obj: Any, *, expected_type: Optional[type]) \
            -> Optional[Datum]:
        pass


# Alias kept for code that names the common base.
Converter = _BaseConverter


def get_binding_registry():
    """The registry; ``.get(binding_type)`` gives a converter or None."""
    return _ConverterMeta


# Used by converters for json payloads.
def _json_dumps(obj: Any) -> str:
    return json.dumps(obj)
