"""Base classes of the decorator model: bindings, triggers and settings,
and the enums that appear in their metadata."""
from abc import ABC, abstractmethod
from typing import Any, Dict, Optional, Type

from .utils import ABCBuildDictMeta, StringifyEnum, to_camel_case

SCRIPT_FILE_NAME = "function_app.py"


class BindingDirection(StringifyEnum):
    """``direction`` of a binding in function.json."""
    IN = 0
    OUT = 1
    INOUT = 2


class DataType(StringifyEnum):
    """``dataType`` of a binding in function.json."""
    UNDEFINED = 0
    STRING = 1
    BINARY = 2
    STREAM = 3


class AuthLevel(StringifyEnum):
    """Which key, if any, an HTTP request must carry."""
    FUNCTION = "function"
    ANONYMOUS = "anonymous"
    ADMIN = "admin"


class Cardinality(StringifyEnum):
    """One message or a batch per invocation (event hub, service bus)."""
    ONE = "one"
    MANY = "many"


class AccessRights(StringifyEnum):
    """Rights of a service bus connection."""
    MANAGE = "manage"
    LISTEN = "listen"


class BlobSource(StringifyEnum):
    """Where a blob trigger learns about new blobs."""
    EVENT_GRID = "EventGrid"
    LOGS_AND_CONTAINER_SCAN = "LogsAndContainerScan"


class Binding(ABC):
    """A binding as function.json describes it.  ``get_dict_repr`` builds
    the JSON object from the constructor's parameter names (snake_case ->
    camelCase), so a subclass only has to name its ``__init__`` parameters
    after the function.json fields.  Extra keyword arguments become extra
    fields (``dummy_field='x'`` -> ``"dummyField": "x"``)."""

    EXCLUDED_INIT_PARAMS = {'self', 'kwargs', 'type', 'data_type',
                            'direction'}

    @staticmethod
    @abstractmethod
    def get_binding_name() -> Optional[str]:
        pass

    def __init__(self, name: str, direction: BindingDirection,
                 data_type: Optional[DataType] = None,
                 type: Optional[str] = None) -> None:  # noqa: A002
        binding_name = self.get_binding_name()
        self.type = binding_name if binding_name is not None else type
        self.name = name
        self._direction = direction
        self._data_type = data_type
        self._dict: Dict[str, Any] = {
            "direction": self._direction,
            "dataType": self._data_type,
            "type": self.type,
        }

    @property
    def data_type(self) -> Optional[int]:
        return self._data_type.value if self._data_type else None

    @property
    def direction(self) -> int:
        return self._direction.value

    def get_dict_repr(self) -> Dict[str, Any]:
        """The binding as a function.json object (enum values are enum
        members; ``json.dumps(..., cls=StringifyEnumJsonEncoder)`` writes
        them by name)."""
        for param in dict.fromkeys(getattr(self, 'init_params', [])):
            if param not in Binding.EXCLUDED_INIT_PARAMS:
                self._dict[to_camel_case(param)] = getattr(self, param, None)
        return self._dict

    def __repr__(self) -> str:
        return f'<{type(self).__name__} {self.get_dict_repr()!r}>'


class Trigger(Binding, ABC, metaclass=ABCBuildDictMeta):
    """A binding that starts the function (direction ``in``)."""

    @staticmethod
    def is_supported_trigger_type(trigger_instance: 'Trigger',
                                  trigger_type: Type['Trigger']) -> bool:
        return (isinstance(trigger_instance, trigger_type)
                or trigger_instance.type == trigger_type.get_binding_name())

    def __init__(self, name: str, data_type: Optional[DataType] = None,
                 type: Optional[str] = None) -> None:  # noqa: A002
        super().__init__(direction=BindingDirection.IN, name=name,
                         data_type=data_type, type=type)


class InputBinding(Binding, ABC, metaclass=ABCBuildDictMeta):
    """An input binding (direction ``in``)."""

    def __init__(self, name: str, data_type: Optional[DataType] = None,
                 type: Optional[str] = None) -> None:  # noqa: A002
        super().__init__(direction=BindingDirection.IN, name=name,
                         data_type=data_type, type=type)


class OutputBinding(Binding, ABC, metaclass=ABCBuildDictMeta):
    """An output binding (direction ``out``)."""

    def __init__(self, name: str, data_type: Optional[DataType] = None,
                 type: Optional[str] = None) -> None:  # noqa: A002
        super().__init__(direction=BindingDirection.OUT, name=name,
                         data_type=data_type, type=type)


class Setting(ABC, metaclass=ABCBuildDictMeta):
    """A function setting that is not a binding (function name, retry
    policy).  Its dict keeps the snake_case parameter names."""

    EXCLUDED_INIT_PARAMS = {'self', 'kwargs', 'setting_name'}

    def __init__(self, setting_name: str) -> None:
        self.setting_name = setting_name
        self._dict: Dict[str, Any] = {"setting_name": self.setting_name}

    def get_setting_name(self) -> str:
        return self.setting_name

    def get_dict_repr(self) -> Dict[str, Any]:
        for param in dict.fromkeys(getattr(self, 'init_params', [])):
            if param not in Setting.EXCLUDED_INIT_PARAMS:
                self._dict[param] = getattr(self, param, None)
        return self._dict

    def get_settings_value(self, settings_attribute_key: str) -> Any:
        return self.get_dict_repr().get(settings_attribute_key)

    def __repr__(self) -> str:
        return f'<{type(self).__name__} {self.get_dict_repr()!r}>'
