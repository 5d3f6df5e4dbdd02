"""Bindings of any type, named by the caller (``type=``)."""
from typing import Optional

from .core import DataType, InputBinding, OutputBinding, Trigger


class _GenericBinding:
    """What the generic trigger and bindings share: no fixed binding name;
    ``type`` is the caller's."""

    @staticmethod
    def get_binding_name() -> Optional[str]:
        return None

    def __init__(self,
                 name: str,
                 type: str,  # noqa: A002
                 data_type: Optional[DataType] = None,
                 **kwargs) -> None:
        super().__init__(name=name, data_type=data_type,  # type: ignore
                         type=type)


class GenericTrigger(_GenericBinding, Trigger):
    pass


class GenericInputBinding(_GenericBinding, InputBinding):
    pass


class GenericOutputBinding(_GenericBinding, OutputBinding):
    pass
