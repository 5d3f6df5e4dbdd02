"""Storage queue trigger and output binding."""
from typing import Optional

from .constants import QUEUE, QUEUE_TRIGGER
from .core import DataType, OutputBinding, Trigger


class _QueueBinding:
    """The fields the queue trigger and output binding share."""

    def __init__(self,
                 name: str,
                 queue_name: str,
                 connection: str,
                 data_type: Optional[DataType] = None,
                 **kwargs) -> None:
        self.queue_name = queue_name
        self.connection = connection
        super().__init__(name=name, data_type=data_type)  # type: ignore


class QueueTrigger(_QueueBinding, Trigger):
    @staticmethod
    def get_binding_name() -> str:
        return QUEUE_TRIGGER


class QueueOutput(_QueueBinding, OutputBinding):
    @staticmethod
    def get_binding_name() -> str:
        return QUEUE
