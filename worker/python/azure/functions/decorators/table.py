"""Storage table input and output bindings."""
from typing import Optional

from .constants import TABLE
from .core import DataType, InputBinding, OutputBinding


class TableInput(InputBinding):
    """One entity (``partition_key`` and ``row_key``) or a query of the
    table (``filter``, ``take``, ``partition_key`` alone); the function gets
    the JSON text."""

    @staticmethod
    def get_binding_name() -> str:
        return TABLE

    def __init__(self,
                 name: str,
                 connection: str,
                 table_name: str,
                 row_key: Optional[str] = None,
                 partition_key: Optional[str] = None,
                 take: Optional[int] = None,
                 filter: Optional[str] = None,  # noqa: A002
                 data_type: Optional[DataType] = None,
                 **kwargs) -> None:
        self.connection = connection
        self.table_name = table_name
        self.row_key = row_key
        self.partition_key = partition_key
        self.take = take
        self.filter = filter
        super().__init__(name=name, data_type=data_type)


class TableOutput(OutputBinding):
    """Entities the function sets (JSON text of one object or an array);
    ``partition_key``/``row_key`` fill keys an entity lacks."""

    @staticmethod
    def get_binding_name() -> str:
        return TABLE

    def __init__(self,
                 name: str,
                 connection: str,
                 table_name: str,
                 row_key: Optional[str] = None,
                 partition_key: Optional[str] = None,
                 data_type: Optional[DataType] = None,
                 **kwargs) -> None:
        self.connection = connection
        self.table_name = table_name
        self.row_key = row_key
        self.partition_key = partition_key
        super().__init__(name=name, data_type=data_type)
