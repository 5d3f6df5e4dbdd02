"""Storage blob trigger, input and output bindings."""
from typing import Optional

from .constants import BLOB, BLOB_TRIGGER
from .core import BlobSource, DataType, InputBinding, OutputBinding, Trigger


class BlobTrigger(Trigger):
    @staticmethod
    def get_binding_name() -> str:
        return BLOB_TRIGGER

    def __init__(self,
                 name: str,
                 path: str,
                 connection: str,
                 source: Optional[BlobSource] = None,
                 data_type: Optional[DataType] = None,
                 **kwargs) -> None:
        self.path = path
        self.connection = connection
        self.source = source
        super().__init__(name=name, data_type=data_type)


class _BlobBinding:
    """What the blob input and output bindings share."""

    @staticmethod
    def get_binding_name() -> str:
        return BLOB

    def __init__(self,
                 name: str,
                 path: str,
                 connection: str,
                 data_type: Optional[DataType] = None,
                 **kwargs) -> None:
        self.path = path
        self.connection = connection
        super().__init__(name=name, data_type=data_type)  # type: ignore


class BlobInput(_BlobBinding, InputBinding):
    pass


class BlobOutput(_BlobBinding, OutputBinding):
    pass
