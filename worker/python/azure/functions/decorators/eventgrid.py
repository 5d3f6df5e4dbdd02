"""Event Grid trigger and output binding."""
from typing import Optional

from .constants import EVENT_GRID, EVENT_GRID_TRIGGER
from .core import DataType, OutputBinding, Trigger


class EventGridTrigger(Trigger):
    """``eventGridTrigger``: the host's /runtime/webhooks/eventgrid
    delivers each event to one invocation."""

    @staticmethod
    def get_binding_name() -> str:
        return EVENT_GRID_TRIGGER

    def __init__(self,
                 name: str,
                 data_type: Optional[DataType] = None,
                 **kwargs) -> None:
        super().__init__(name=name, data_type=data_type)


class EventGridOutput(OutputBinding):
    """``eventGrid`` output: ``topic_endpoint_uri`` and
    ``topic_key_setting`` name the app settings that hold the topic's URL
    and key; ``connection`` (identity-based) instead of both, as in the
    public package (pyfn's host does not support it)."""

    @staticmethod
    def get_binding_name() -> str:
        return EVENT_GRID

    def __init__(self,
                 name: str,
                 topic_endpoint_uri: Optional[str] = None,
                 topic_key_setting: Optional[str] = None,
                 connection: Optional[str] = None,
                 data_type: Optional[DataType] = None,
                 **kwargs) -> None:
        with_connection = connection is not None
        with_topic = (topic_endpoint_uri is not None
                      or topic_key_setting is not None)
        both_topic = (topic_endpoint_uri is not None
                      and topic_key_setting is not None)
        if (with_connection and with_topic) or \
                (not with_connection and not both_topic):
            raise ValueError(
                "Specify either the 'Connection' property or both "
                "'TopicKeySetting' and 'TopicEndpointUri' properties,"
                " but not both.")
        self.topic_endpoint_uri = topic_endpoint_uri
        self.topic_key_setting = topic_key_setting
        self.connection = connection
        super().__init__(name=name, data_type=data_type)
