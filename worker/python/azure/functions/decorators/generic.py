"""Bindings of any type, named by the caller (``type=``)."""
from typing import Optional

from .core import DataType, InputBinding, OutputBinding, Trigger


class GenericTrigger(Trigger):
    @staticmethod
    def get_binding_name() -> Optional[str]:
        return None

    def __init__(self,
                 name: str,
                 type: str,  # noqa: A002
                 data_type: Optional[DataType] = None,
                 **kwargs) -> None:
        super().__init__(name=name, data_type=data_type, type=type)


class GenericInputBinding(InputBinding):
    @staticmethod
    def get_binding_name() -> Optional[str]:
        return None

    def __init__(self,
                 name: str,
                 type: str,  # noqa: A002
                 data_type: Optional[DataType] = None,
                 **kwargs) -> None:
        super().__init__(name=name, data_type=data_type, type=type)


class GenericOutputBinding(OutputBinding):
    @staticmethod
    def get_binding_name() -> Optional[str]:
        return None

    def __init__(self,
                 name: str,
                 type: str,  # noqa: A002
                 data_type: Optional[DataType] = None,
                 **kwargs) -> None:
        super().__init__(name=name, data_type=data_type, type=type)
