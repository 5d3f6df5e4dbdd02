"""The ``function_name`` setting."""
from .constants import FUNCTION_NAME
from .core import Setting


class FunctionName(Setting):
    def __init__(self, function_name: str, **kwargs) -> None:
        self.function_name = function_name
        super().__init__(setting_name=FUNCTION_NAME)
