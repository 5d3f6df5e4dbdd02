"""Durable Functions context types and JSON helpers."""

import importlib
import typing

from . import _abc

__all__ = ('OrchestrationContext', 'EntityContext')


def _serialize_custom_object(obj: typing.Any) -> dict:
    """``json.dumps`` default hook: objects exposing ``to_json``."""
    if not hasattr(obj, 'to_json'):
        raise TypeError(f'class {type(obj)} does not expose a `to_json` '
                        f'function')
    return {'__class__': type(obj).__name__,
            '__module__': type(obj).__module__,
            '__data__': type(obj).to_json(obj)}


def _deserialize_custom_object(obj: dict) -> typing.Any:
    """``json.loads`` object hook, the inverse of the above."""
    if '__class__' in obj and '__module__' in obj and '__data__' in obj:
        module = importlib.import_module(obj['__module__'])
        cls = getattr(module, obj['__class__'])
        if not hasattr(cls, 'from_json'):
            raise TypeError(f'class {cls} does not expose a `from_json` '
                            f'function')
        return cls.from_json(obj['__data__'])
    return obj


class _BodyContext(_abc.OrchestrationContext):
    """What the orchestration and entity contexts share: a text body."""

    def __init__(self, body: typing.Union[str, bytes]) -> None:
        if isinstance(body, (bytes, bytearray)):
            body = bytes(body).decode('utf-8')
        self._body = body

    @property
    def body(self) -> str:
        return self._body

    def __repr__(self) -> str:
        return f'<azure.{type(self).__name__} body={self.body}>'

    def __str__(self) -> str:
        return self._body


class OrchestrationContext(_BodyContext):
    """The body of an orchestration trigger."""


class EntityContext(_BodyContext):
    """The body of an entity trigger."""
