"""HTTP trigger and HTTP output binding."""
from typing import Iterable, Optional

from .constants import HTTP_OUTPUT, HTTP_TRIGGER
from .core import AuthLevel, DataType, OutputBinding, Trigger
from .utils import StringifyEnum


class HttpMethod(StringifyEnum):
    """HTTP methods an HTTP trigger can accept."""
    GET = "GET"
    POST = "POST"
    DELETE = "DELETE"
    HEAD = "HEAD"
    PATCH = "PATCH"
    PUT = "PUT"
    OPTIONS = "OPTIONS"


class HttpTrigger(Trigger):
    @staticmethod
    def get_binding_name() -> str:
        return HTTP_TRIGGER

    def __init__(self,
                 name: str,
                 methods: Optional[Iterable[HttpMethod]] = None,
                 data_type: Optional[DataType] = None,
                 auth_level: Optional[AuthLevel] = None,
                 route: Optional[str] = None,
                 **kwargs) -> None:
        self.auth_level = auth_level
        self.methods = list(methods) if methods is not None else None
        self.route = route
        super().__init__(name=name, data_type=data_type)


class HttpOutput(OutputBinding):
    @staticmethod
    def get_binding_name() -> str:
        return HTTP_OUTPUT

    def __init__(self,
                 name: str,
                 data_type: Optional[DataType] = None,
                 **kwargs) -> None:
        super().__init__(name=name, data_type=data_type)
