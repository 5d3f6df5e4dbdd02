"""WarmUpContext and the ``warmupTrigger`` converter."""

import typing

from . import _utils
from . import meta

__all__ = ('WarmUpContext', 'WarmUpTriggerConverter')


class WarmUpContext:
    """The (empty) payload of a warmup trigger."""


class WarmUpTriggerConverter(meta.InConverter, binding='warmupTrigger',
                             trigger=True):

    @classmethod
    def check_input_type_annotation(cls, pytype: type) -> bool:
        return _utils.safe_issubclass(pytype, WarmUpContext)

    @classmethod
    def decode(cls, data: meta.Datum, *, trigger_metadata=None) -> typing.Any:
        return WarmUpContext()
