"""Helpers shared by the decorator model: enums that print their name,
snake_case -> camelCase conversion, string -> enum parsing and the metaclass
that records which constructor arguments a binding was given."""
import json
import re
from abc import ABCMeta
from enum import Enum
from typing import Any, Callable, Iterable, List, Optional, Type, TypeVar, \
    Union

from .. import _signature

T = TypeVar("T", bound=Enum)

_SNAKE_RE = re.compile(r'^([a-zA-Z]+\d*_|_+[a-zA-Z\d])\w*$')
_WORD_RE = re.compile(r'^([a-zA-Z]+\d*)$')


class StringifyEnum(Enum):
    """An enum whose ``str()`` (and JSON form) is its member name."""

    def __str__(self) -> str:
        return str(self.name)


class StringifyEnumJsonEncoder(json.JSONEncoder):
    """JSON encoder writing :class:`StringifyEnum` members by name."""

    def default(self, o):
        if isinstance(o, StringifyEnum):
            return str(o)
        return super().default(o)


def is_snake_case(text: str) -> bool:
    return _SNAKE_RE.match(text) is not None


def is_word(text: str) -> bool:
    return _WORD_RE.match(text) is not None


def to_camel_case(snake_case_str: str) -> str:
    """``queue_name`` -> ``queueName``; a single word is returned as is."""
    if not snake_case_str:
        raise ValueError(
            f"Please ensure arg name {snake_case_str} is not empty!")
    if not is_snake_case(snake_case_str) and not is_word(snake_case_str):
        raise ValueError(
            f"Please ensure {snake_case_str} is a word or snake case "
            f"string with underscore as separator.")
    head, *rest = snake_case_str.split('_')
    return head + ''.join(part.title() for part in rest)


def parse_singular_param_to_enum(param: Optional[Union[T, str]],
                                 class_name: Type[T]) -> Optional[T]:
    """Accept an enum member or its (case-insensitive) name."""
    if param is None:
        return None
    if isinstance(param, str):
        try:
            return class_name[param.upper()]
        except KeyError as e:
            raise KeyError(
                f"Can not parse str '{param}' to {class_name.__name__}. "
                f"Allowed values are {[m.name for m in class_name]}") from e
    return param


def parse_iterable_param_to_enums(
        param_values: Optional[Union[Iterable[str], Iterable[T]]],
        class_name: Type[T]) -> Optional[List[T]]:
    if param_values is None:
        return None
    try:
        return [class_name[v.upper()] if isinstance(v, str) else v
                for v in param_values]
    except KeyError as e:
        raise KeyError(
            f"Can not parse '{param_values}' to "
            f"Optional[Iterable[{class_name.__name__}]]. "
            f"Please ensure param all list elements exist in "
            f"{[m.name for m in class_name]}") from e


def _drop_nones(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_nones(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_nones(v) for v in value if v is not None]
    return value


class BuildDictMeta(type):
    """Wraps ``__init__`` of every binding/setting class so that the names
    of its parameters (plus any extra keyword arguments) are remembered in
    ``self.init_params``, and wraps ``get_dict_repr`` so that fields left
    at ``None`` are omitted, like in a hand-written function.json."""

    def __new__(mcs, name, bases, dct):
        cls = super().__new__(mcs, name, bases, dct)
        init = getattr(cls, '__init__')
        if not getattr(init, '_pyfn_recording', False):
            cls.__init__ = mcs._recording_init(init)
        get_dict_repr = getattr(cls, 'get_dict_repr', None)
        if get_dict_repr is not None and \
                not getattr(get_dict_repr, '_pyfn_skip_none', False):
            cls.get_dict_repr = mcs._skip_none(get_dict_repr)
        return cls

    @staticmethod
    def _recording_init(init: Callable[..., Any]) -> Callable[..., Any]:
        try:
            own_params = [name for name, _, _ in _signature.parameters(init)[0]]
        except (TypeError, ValueError):  # pragma: no cover
            own_params = []
        own_params = [p for p in own_params if p not in ('args', 'kwargs')]

        def __init__(self, *args, **kwargs):
            init(self, *args, **kwargs)
            # The outermost (most derived) __init__ runs its recording
            # last, so its view of the parameters wins.
            params = list(own_params)
            for key, value in kwargs.items():
                if key not in params:
                    params.append(key)
                if not hasattr(self, key):
                    setattr(self, key, value)
            self.init_params = params

        __init__.__wrapped__ = init  # type: ignore[attr-defined]
        __init__._pyfn_recording = True  # type: ignore[attr-defined]
        __init__.__doc__ = init.__doc__
        return __init__

    @staticmethod
    def _skip_none(func: Callable[..., Any]) -> Callable[..., Any]:
        def get_dict_repr(*args, **kwargs):
            return _drop_nones(func(*args, **kwargs))

        get_dict_repr.__wrapped__ = func  # type: ignore[attr-defined]
        get_dict_repr._pyfn_skip_none = True  # type: ignore[attr-defined]
        get_dict_repr.__doc__ = func.__doc__
        return get_dict_repr


class ABCBuildDictMeta(ABCMeta, BuildDictMeta):
    pass
