"""pyfn's azure.functions: a standard-library-only implementation of the
public ``azure-functions`` package API (types, binding converters, worker
extensions). ``azure`` is a namespace package: there is no
``azure/__init__.py``.
"""

from ._abc import Context, Out
# Concrete (constructible in unit tests) subclasses of the public abstract
# InputStream / TimerRequest; converters check against the abstract ones.
from ._blob import InputStream
from ._timer import TimerRequest
from ._cosmosdb import Document, DocumentList
from ._durable_functions import EntityContext, OrchestrationContext
from ._eventgrid import EventGridEvent, EventGridOutputEvent
from ._eventhub import EventHubEvent
from ._http import HttpRequest, HttpResponse
from ._queue import QueueMessage
from ._servicebus import ServiceBusMessage
from ._sql import SqlRow, SqlRowList
from .extension import (AppExtensionBase, ExtensionMeta, FuncExtensionBase,
                        FunctionExtensionException)
from .kafka import KafkaConverter, KafkaEvent, KafkaTriggerConverter
from .meta import get_binding_registry
from .warmup import WarmUpContext

# Importing the binding modules registers their converters.
from . import blob  # noqa: F401
from . import cosmosdb  # noqa: F401
from . import durable_functions  # noqa: F401
from . import eventgrid  # noqa: F401
from . import eventhub  # noqa: F401
from . import http  # noqa: F401
from . import kafka  # noqa: F401
from . import queue  # noqa: F401
from . import servicebus  # noqa: F401
from . import sql  # noqa: F401
from . import timer  # noqa: F401
from . import warmup  # noqa: F401

__all__ = [
    # Functions
    'get_binding_registry',

    # Generics
    'Context',
    'Out',

    # Binding rich types
    'Document',
    'DocumentList',
    'EntityContext',
    'EventGridEvent',
    'EventGridOutputEvent',
    'EventHubEvent',
    'HttpRequest',
    'HttpResponse',
    'InputStream',
    'KafkaConverter',
    'KafkaEvent',
    'KafkaTriggerConverter',
    'OrchestrationContext',
    'QueueMessage',
    'ServiceBusMessage',
    'SqlRow',
    'SqlRowList',
    'TimerRequest',
    'WarmUpContext',

    # Extensions
    'AppExtensionBase',
    'FuncExtensionBase',
    'ExtensionMeta',
    'FunctionExtensionException',
]

# The public release whose API this implementation follows.
__version__ = '1.21.3'

# Marks pyfn's implementation (the public package has no such attribute).
__pyfn__ = True

# --- decorator model (begin) ---
from ._http_asgi import AsgiMiddleware
from ._http_wsgi import WsgiMiddleware
from .decorators import (AccessRights, AsgiFunctionApp, AuthLevel,
                         BindingApi, Blueprint, BlobSource, Cardinality,
                         DataType, DecoratorApi, ExternalHttpFunctionApp,
                         Function, FunctionApp, FunctionRegister, HttpMethod,
                         SettingsApi, TriggerApi, WsgiFunctionApp)

__all__ += [
    'AsgiMiddleware',
    'WsgiMiddleware',
    'FunctionApp',
    'Function',
    'FunctionRegister',
    'Blueprint',
    'DecoratorApi',
    'TriggerApi',
    'BindingApi',
    'SettingsApi',
    'ExternalHttpFunctionApp',
    'AsgiFunctionApp',
    'WsgiFunctionApp',
    'DataType',
    'AuthLevel',
    'Cardinality',
    'AccessRights',
    'BlobSource',
    'HttpMethod',
]
# --- decorator model (end) ---
