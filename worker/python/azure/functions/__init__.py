"""pyfn's azure.functions: a standard-library-only implementation of the
public ``azure-functions`` package API (types, binding converters, worker
extensions). ``azure`` is a namespace package: there is no
``azure/__init__.py``.
"""

import importlib as _importlib

# Every public name is loaded on first use (PEP 562): `import azure.functions`
# costs only this module; `func.HttpRequest` imports the HTTP types, a binding
# type's converter module is imported the first time the registry is asked
# for it (meta._CONVERTER_MODULES), and the decorator model loads with the
# first FunctionApp. `from azure.functions import X`, dir(), isinstance and
# the submodule attributes (func.http, func.meta...) behave as with eager
# imports.
_LAZY_NAMES = {
    'Context': '_abc', 'Out': '_abc',
    # Concrete (constructible in unit tests) subclasses of the public abstract
    # InputStream / TimerRequest; converters check against the abstract ones.
    'InputStream': '_blob',
    'TimerRequest': '_timer',
    'Document': '_cosmosdb', 'DocumentList': '_cosmosdb',
    'EntityContext': '_durable_functions',
    'OrchestrationContext': '_durable_functions',
    'EventGridEvent': '_eventgrid', 'EventGridOutputEvent': '_eventgrid',
    'EventHubEvent': '_eventhub',
    'HttpRequest': '_http', 'HttpResponse': '_http',
    'QueueMessage': '_queue',
    'ServiceBusMessage': '_servicebus',
    'SqlRow': '_sql', 'SqlRowList': '_sql',
    'AppExtensionBase': 'extension', 'ExtensionMeta': 'extension',
    'FuncExtensionBase': 'extension', 'FunctionExtensionException': 'extension',
    'KafkaConverter': 'kafka', 'KafkaEvent': 'kafka',
    'KafkaTriggerConverter': 'kafka',
    'get_binding_registry': 'meta',
    'WarmUpContext': 'warmup',
    # decorator model
    'AsgiMiddleware': '_http_asgi',
    'WsgiMiddleware': '_http_wsgi',
    'AccessRights': 'decorators', 'AsgiFunctionApp': 'decorators',
    'AuthLevel': 'decorators', 'BindingApi': 'decorators',
    'Blueprint': 'decorators', 'BlobSource': 'decorators',
    'Cardinality': 'decorators', 'DataType': 'decorators',
    'DecoratorApi': 'decorators', 'ExternalHttpFunctionApp': 'decorators',
    'Function': 'decorators', 'FunctionApp': 'decorators',
    'FunctionRegister': 'decorators', 'HttpMethod': 'decorators',
    'SettingsApi': 'decorators', 'TriggerApi': 'decorators',
    'WsgiFunctionApp': 'decorators',
}

# Submodules reachable as attributes (`func.http`, `func.meta`, ...), as the
# eager imports of the public package make them.
_SUBMODULES = frozenset((
    '_abc', '_blob', '_cosmosdb', '_durable_functions', '_eventgrid',
    '_eventhub', '_http', '_http_asgi', '_http_wsgi', '_kafka', '_queue',
    '_servicebus', '_sql', '_timer', '_utils', 'blob', 'cosmosdb',
    'decorators', 'durable_functions', 'eventgrid', 'eventhub', 'extension',
    'http', 'kafka', 'meta', 'queue', 'servicebus', 'sql', 'timer', 'warmup',
))


def __getattr__(name):
    module = _LAZY_NAMES.get(name)
    if module is not None:
        value = getattr(_importlib.import_module('.' + module, __name__), name)
    elif name in _SUBMODULES:
        value = _importlib.import_module('.' + name, __name__)
    else:
        raise AttributeError(f'module {__name__!r} has no attribute {name!r}')
    globals()[name] = value
    return value


def __dir__():
    hidden = {'_LAZY_NAMES', '_SUBMODULES', '_importlib', '__getattr__', '__dir__'}
    return sorted((set(globals()) - hidden) | set(_LAZY_NAMES) | _SUBMODULES)


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
