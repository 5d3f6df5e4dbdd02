"""Storage queue trigger and output binding."""
from typing import Optional

from .constants import QUEUE, QUEUE_TRIGGER
from .core import DataType, OutputBinding, Trigger


class QueueTrigger(Trigger):
    @staticmethod
    def get_binding_name() -> str:
        return QUEUE_TRIGGER

    def __init__(self,
                 name: str,
                 queue_name: str,
                 connection: str,
                 data_type: Optional[DataType] = None,
                 **kwargs) -> None:
        self.queue_name = queue_name
        self.connection = connection
        super().__init__(name=name, data_type=data_type)


class QueueOutput(OutputBinding):
    @staticmethod
    def get_binding_name() -> str:
        return QUEUE

    def __init__(self,
                 name: str,
                 queue_name: str,
                 connection: str,
                 data_type: Optional[DataType] = None,
                 **kwargs) -> None:
        self.queue_name = queue_name
        self.connection = connection
        super().__init__(name=name, data_type=data_type)
