"""The decorator ("v2") programming model: ``FunctionApp``, ``Blueprint``,
the ASGI/WSGI function apps, and the ``Function`` objects the worker indexes.

Each decorated Python function becomes a :class:`FunctionBuilder` (the
module global keeps that object; calling it still calls the function).  The
worker finds the :class:`FunctionRegister` instances among the globals of
``function_app.py`` and calls :meth:`FunctionRegister.get_functions`, which
validates every function and returns :class:`Function` objects whose
``get_raw_bindings()`` are the function.json binding objects.

asyncio is imported by the ASGI methods that use it, not here: a worker whose
app has no async function then never loads it.
"""
import atexit
import json
import logging
import threading
import weakref
from abc import ABC, abstractmethod
from typing import (TYPE_CHECKING, Any, Callable, Dict, Iterable, List,
                    Optional, Union)

from .blob import BlobInput, BlobOutput, BlobTrigger
from .constants import FUNCTION_NAME, RETRY_POLICY
from .core import AuthLevel, Binding, BlobSource, DataType, \
    SCRIPT_FILE_NAME, Setting, Trigger
from .eventgrid import EventGridOutput, EventGridTrigger
from .function_name import FunctionName
from .generic import GenericInputBinding, GenericOutputBinding, \
    GenericTrigger
from .http import HttpMethod, HttpOutput, HttpTrigger
from .queue import QueueOutput, QueueTrigger
from .retry_policy import RetryPolicy
from .table import TableInput, TableOutput
from .timer import TimerTrigger
from .utils import StringifyEnumJsonEncoder, parse_iterable_param_to_enums, \
    parse_singular_param_to_enum
from .. import _signature
from .._http_wsgi import WsgiMiddleware

if TYPE_CHECKING:  # pragma: no cover
    import asyncio

_logger = logging.getLogger('azure.functions')

# get_settings_dict() also answers to these short names.
_SETTING_ALIASES = {'retry': RETRY_POLICY}


class Function(object):
    """One function of a function app: the user's callable, its trigger,
    its bindings (in function.json form) and its settings."""

    def __init__(self, func: Callable[..., Any], script_file: str):
        self._name: str = func.__name__
        self._func = func
        self._trigger: Optional[Trigger] = None
        self._bindings: List[Binding] = []
        self._settings: Dict[str, Setting] = {}
        self.function_script_file = script_file
        self.http_type = 'function'
        self._is_http_function = False

    # -- building -----------------------------------------------------
    def add_binding(self, binding: Binding) -> None:
        self._bindings.append(binding)

    def add_trigger(self, trigger: Trigger) -> None:
        """Attach the trigger; a function has exactly one."""
        if self._trigger:
            raise ValueError(
                "A trigger was already registered to this function. Adding "
                "another trigger is not the correct behavior as a function "
                "can only have one trigger. Existing registered trigger is "
                f"{self._trigger.get_dict_repr()} and New trigger being "
                f"added is {trigger.get_dict_repr()}")
        self._trigger = trigger
        # The trigger is a binding too: function.json lists it.
        self._bindings.append(trigger)

    def add_setting(self, setting: Setting) -> None:
        self._settings[setting.setting_name] = setting

    def set_function_name(self, function_name: Optional[str] = None) -> None:
        if function_name:
            self._name = function_name

    def set_http_type(self, http_type: str) -> None:
        self.http_type = http_type

    # -- reading ------------------------------------------------------
    def is_http_function(self) -> bool:
        return self._is_http_function

    def get_trigger(self) -> Optional[Trigger]:
        return self._trigger

    def get_bindings(self) -> List[Binding]:
        return self._bindings

    def get_setting(self, setting_name: str) -> Optional[Setting]:
        setting_name = _SETTING_ALIASES.get(setting_name, setting_name)
        return self._settings.get(setting_name)

    def get_settings_dict(self, setting_name: str) -> Optional[Dict]:
        """``get_settings_dict("retry_policy")`` (or ``"retry"``) ->
        ``{"setting_name": "retry_policy", "strategy": ...,
        "max_retry_count": ..., ...}`` or ``None``."""
        setting = self.get_setting(setting_name)
        return setting.get_dict_repr() if setting is not None else None

    def get_raw_bindings(self) -> List[str]:
        """One JSON string per binding, as function.json holds it (enum
        values by name: ``"direction": "IN"``, ``"authLevel":
        "ANONYMOUS"``, like the public package)."""
        return [json.dumps(b.get_dict_repr(), cls=StringifyEnumJsonEncoder)
                for b in self._bindings]

    def get_bindings_dict(self) -> Dict[str, Any]:
        return {"bindings": [b.get_dict_repr() for b in self._bindings]}

    def get_dict_repr(self) -> Dict[str, Any]:
        function_json: Dict[str, Any] = {
            "scriptFile": self.function_script_file}
        function_json.update(self.get_bindings_dict())
        return function_json

    def get_user_function(self) -> Callable[..., Any]:
        return self._func

    def get_function_name(self) -> str:
        setting = self._settings.get(FUNCTION_NAME)
        if setting is not None:
            name = setting.get_settings_value(FUNCTION_NAME)
            if name:
                return name
        return self._name

    def get_function_json(self) -> str:
        return json.dumps(self.get_dict_repr(), cls=StringifyEnumJsonEncoder)

    def __str__(self) -> str:
        return self.get_function_json()


class FunctionBuilder(object):
    """What a decorator leaves in the module namespace.  Calling it calls
    the user's function, so unit tests can call decorated functions."""

    def __init__(self, func: Callable[..., Any], function_script_file: str):
        self._function = Function(func, function_script_file)

    def __call__(self, *args, **kwargs):
        return self._function.get_user_function()(*args, **kwargs)

    def __repr__(self) -> str:
        return (f'<FunctionBuilder {self._function.get_function_name()!r} '
                f'of {self._function.get_user_function()!r}>')

    def configure_function_name(self, function_name: str) \
            -> 'FunctionBuilder':
        self._function.set_function_name(function_name)
        return self

    def configure_http_type(self, http_type: str) -> 'FunctionBuilder':
        self._function.set_http_type(http_type)
        return self

    def add_trigger(self, trigger: Trigger) -> 'FunctionBuilder':
        self._function.add_trigger(trigger=trigger)
        return self

    def add_binding(self, binding: Binding) -> 'FunctionBuilder':
        self._function.add_binding(binding=binding)
        return self

    def add_setting(self, setting: Setting) -> 'FunctionBuilder':
        self._function.add_setting(setting=setting)
        return self

    def _validate_function(self,
                           auth_level: Optional[AuthLevel] = None) -> None:
        function_name = self._function.get_function_name()
        trigger = self._function.get_trigger()
        if trigger is None:
            raise ValueError(
                f"Function {function_name} does not have a trigger. A valid "
                f"function must have one and only one trigger registered.")

        bindings = self._function.get_bindings()
        if trigger not in bindings:
            raise ValueError(
                f"Function {function_name} trigger {trigger} not present"
                f" in bindings {bindings}")

        if Trigger.is_supported_trigger_type(trigger, HttpTrigger):
            # Route defaults to the function name; auth level to the app's.
            if getattr(trigger, 'route', None) is None:
                _note_param(trigger, 'route')
                setattr(trigger, 'route', function_name)
            if getattr(trigger, 'auth_level', None) is None \
                    and auth_level is not None:
                _note_param(trigger, 'auth_level')
                setattr(trigger, 'auth_level',
                        parse_singular_param_to_enum(auth_level, AuthLevel))
            self._function._is_http_function = True

    def build(self, auth_level: Optional[AuthLevel] = None) -> Function:
        self._validate_function(auth_level)
        return self._function


def _note_param(binding: Any, param: str) -> None:
    params = getattr(binding, 'init_params', None)
    if params is None:
        binding.init_params = [param]
    elif param not in params:
        params.append(param)


class DecoratorApi(ABC):
    """The building blocks shared by function apps and blueprints."""

    def __init__(self, *args, **kwargs):
        self._function_builders: List[FunctionBuilder] = []
        self._app_script_file: str = SCRIPT_FILE_NAME

    @property
    def app_script_file(self) -> str:
        return self._app_script_file

    def _validate_type(self, func: Union[Callable[..., Any],
                                         FunctionBuilder]) \
            -> FunctionBuilder:
        if isinstance(func, FunctionBuilder):
            # Already decorated by this app: take it back off the list,
            # the decorator puts it at the end again.
            if func in self._function_builders:
                self._function_builders.remove(func)
            return func
        if callable(func):
            return FunctionBuilder(func, self._app_script_file)
        raise ValueError("Unsupported type for function app decorator found.")

    def _configure_function_builder(self, wrap: Callable[..., Any]) \
            -> Callable[..., Any]:
        def decorator(func):
            fb = self._validate_type(func)
            self._function_builders.append(fb)
            return wrap(fb)

        return decorator

    def function_name(self, name: str,
                      setting_extra_fields: Optional[Dict[str, Any]] = None,
                      ) -> Callable[..., Any]:
        """Name the function (default: the Python function's name)."""
        extra = dict(setting_extra_fields or {})

        @self._configure_function_builder
        def wrap(fb: FunctionBuilder) -> FunctionBuilder:
            fb.add_setting(setting=FunctionName(function_name=name, **extra))
            return fb

        return wrap

    def http_type(self, http_type: str) -> Callable[..., Any]:
        """Mark the kind of HTTP function ('function', 'asgi', 'wsgi')."""

        @self._configure_function_builder
        def wrap(fb: FunctionBuilder) -> FunctionBuilder:
            fb.configure_http_type(http_type)
            return fb

        return wrap

    def _add_binding(self, binding_cls: Callable[..., Binding],
                     data_type: Optional[Union[DataType, str]],
                     fields: Dict[str, Any], as_trigger: bool = False,
                     enums: Optional[Dict[str, Any]] = None,
                     ) -> Callable[..., Any]:
        """A decorator that adds ``binding_cls(**fields)`` to the function,
        as its trigger or as one more binding.  ``data_type`` and the
        ``enums`` fields (name -> (value, enum class)) are parsed to enum
        members when the decorator is applied."""

        @self._configure_function_builder
        def wrap(fb: FunctionBuilder) -> FunctionBuilder:
            parsed = {name: _enum(value, enum_cls)
                      for name, (value, enum_cls) in (enums or {}).items()}
            binding = binding_cls(**fields, **parsed,
                                  data_type=_enum(data_type, DataType))
            if as_trigger:
                fb.add_trigger(trigger=binding)
            else:
                fb.add_binding(binding=binding)
            return fb

        return wrap


def _enum(value: Any, enum_cls: Any) -> Any:
    return parse_singular_param_to_enum(value, enum_cls)


class TriggerApi(DecoratorApi, ABC):
    """Trigger decorators."""

    def route(self,
              route: Optional[str] = None,
              trigger_arg_name: str = 'req',
              binding_arg_name: str = '$return',
              methods: Optional[Union[Iterable[str],
                                      Iterable[HttpMethod]]] = None,
              auth_level: Optional[Union[AuthLevel, str]] = None,
              trigger_extra_fields: Optional[Dict[str, Any]] = None,
              binding_extra_fields: Optional[Dict[str, Any]] = None,
              ) -> Callable[..., Any]:
        """HTTP trigger plus HTTP output binding.  ``route`` defaults to the
        function name, ``auth_level`` to the app's ``http_auth_level``,
        ``methods`` to every method."""
        trigger_extra = dict(trigger_extra_fields or {})
        binding_extra = dict(binding_extra_fields or {})

        @self._configure_function_builder
        def wrap(fb: FunctionBuilder) -> FunctionBuilder:
            fb.add_trigger(trigger=HttpTrigger(
                name=trigger_arg_name,
                methods=parse_iterable_param_to_enums(methods, HttpMethod),
                auth_level=_enum(auth_level, AuthLevel),
                route=route, **trigger_extra))
            fb.add_binding(binding=HttpOutput(
                name=binding_arg_name, **binding_extra))
            return fb

        return wrap

    def schedule(self,
                 arg_name: str,
                 schedule: str,
                 run_on_startup: Optional[bool] = None,
                 use_monitor: Optional[bool] = None,
                 data_type: Optional[Union[DataType, str]] = None,
                 **kwargs) -> Callable[..., Any]:
        """Timer trigger on an NCRONTAB ``schedule`` (or a TimeSpan)."""

        return self._add_binding(
            TimerTrigger, data_type,
            dict(name=arg_name, schedule=schedule,
                 run_on_startup=run_on_startup, use_monitor=use_monitor,
                 **kwargs),
            as_trigger=True)

    def timer_trigger(self,
                      arg_name: str,
                      schedule: str,
                      run_on_startup: Optional[bool] = None,
                      use_monitor: Optional[bool] = None,
                      data_type: Optional[Union[DataType, str]] = None,
                      **kwargs) -> Callable[..., Any]:
        """Same as :meth:`schedule`."""
        return self.schedule(arg_name=arg_name, schedule=schedule,
                             run_on_startup=run_on_startup,
                             use_monitor=use_monitor, data_type=data_type,
                             **kwargs)

    def queue_trigger(self,
                      arg_name: str,
                      queue_name: str,
                      connection: str,
                      data_type: Optional[Union[DataType, str]] = None,
                      **kwargs) -> Callable[..., Any]:
        """Storage queue trigger."""

        return self._add_binding(
            QueueTrigger, data_type,
            dict(name=arg_name, queue_name=queue_name, connection=connection,
                 **kwargs),
            as_trigger=True)

    def blob_trigger(self,
                     arg_name: str,
                     path: str,
                     connection: str,
                     source: Optional[Union[BlobSource, str]] = None,
                     data_type: Optional[Union[DataType, str]] = None,
                     **kwargs) -> Callable[..., Any]:
        """Storage blob trigger on ``path`` (``container/{name}``)."""

        return self._add_binding(
            BlobTrigger, data_type,
            dict(name=arg_name, path=path, connection=connection, **kwargs),
            as_trigger=True, enums={'source': (source, BlobSource)})

    def event_grid_trigger(self,
                           arg_name: str,
                           data_type: Optional[Union[DataType, str]] = None,
                           **kwargs) -> Callable[..., Any]:
        """Event Grid trigger: one invocation per event delivered to
        /runtime/webhooks/eventgrid?functionName=<function>."""

        return self._add_binding(
            EventGridTrigger, data_type, dict(name=arg_name, **kwargs),
            as_trigger=True)

    def generic_trigger(self,
                        arg_name: str,
                        type: str,  # noqa: A002
                        data_type: Optional[Union[DataType, str]] = None,
                        **kwargs) -> Callable[..., Any]:
        """A trigger of any ``type``; extra keyword arguments become
        binding fields (snake_case -> camelCase)."""

        return self._add_binding(
            GenericTrigger, data_type,
            dict(name=arg_name, type=type, **kwargs), as_trigger=True)


class BindingApi(DecoratorApi, ABC):
    """Input and output binding decorators."""

    def queue_output(self,
                     arg_name: str,
                     queue_name: str,
                     connection: str,
                     data_type: Optional[Union[DataType, str]] = None,
                     **kwargs) -> Callable[..., Any]:
        """Storage queue output binding."""

        return self._add_binding(
            QueueOutput, data_type,
            dict(name=arg_name, queue_name=queue_name, connection=connection,
                 **kwargs))

    def event_grid_output(self,
                          arg_name: str,
                          topic_endpoint_uri: Optional[str] = None,
                          topic_key_setting: Optional[str] = None,
                          connection: Optional[str] = None,
                          data_type: Optional[Union[DataType, str]] = None,
                          **kwargs) -> Callable[..., Any]:
        """Event Grid output binding: ``topic_endpoint_uri`` and
        ``topic_key_setting`` name the app settings holding the topic's URL
        and access key.  ``ValueError`` unless exactly one of ``connection``
        and the pair is given."""

        return self._add_binding(
            EventGridOutput, data_type,
            dict(name=arg_name, topic_endpoint_uri=topic_endpoint_uri,
                 topic_key_setting=topic_key_setting, connection=connection,
                 **kwargs))

    def blob_input(self,
                   arg_name: str,
                   path: str,
                   connection: str,
                   data_type: Optional[Union[DataType, str]] = None,
                   **kwargs) -> Callable[..., Any]:
        """Storage blob input binding."""

        return self._add_binding(
            BlobInput, data_type,
            dict(name=arg_name, path=path, connection=connection, **kwargs))

    def blob_output(self,
                    arg_name: str,
                    path: str,
                    connection: str,
                    data_type: Optional[Union[DataType, str]] = None,
                    **kwargs) -> Callable[..., Any]:
        """Storage blob output binding."""

        return self._add_binding(
            BlobOutput, data_type,
            dict(name=arg_name, path=path, connection=connection, **kwargs))

    def table_input(self,
                    arg_name: str,
                    connection: str,
                    table_name: str,
                    row_key: Optional[str] = None,
                    partition_key: Optional[str] = None,
                    take: Optional[int] = None,
                    filter: Optional[str] = None,  # noqa: A002
                    data_type: Optional[Union[DataType, str]] = None,
                    **kwargs) -> Callable[..., Any]:
        """Storage table input binding: one entity by ``partition_key`` and
        ``row_key``, else a query (``filter``, ``take``); the parameter is
        the JSON text (``str``), None for a missing entity."""

        return self._add_binding(
            TableInput, data_type,
            dict(name=arg_name, connection=connection, table_name=table_name,
                 row_key=row_key, partition_key=partition_key, take=take,
                 filter=filter, **kwargs))

    def table_output(self,
                     arg_name: str,
                     connection: str,
                     table_name: str,
                     row_key: Optional[str] = None,
                     partition_key: Optional[str] = None,
                     data_type: Optional[Union[DataType, str]] = None,
                     **kwargs) -> Callable[..., Any]:
        """Storage table output binding: set ``func.Out[str]`` to the JSON
        of one entity or an array of them."""

        return self._add_binding(
            TableOutput, data_type,
            dict(name=arg_name, connection=connection, table_name=table_name,
                 row_key=row_key, partition_key=partition_key, **kwargs))

    def generic_input_binding(self,
                              arg_name: str,
                              type: str,  # noqa: A002
                              data_type: Optional[Union[DataType, str]] = None,
                              **kwargs) -> Callable[..., Any]:
        """An input binding of any ``type``."""

        return self._add_binding(GenericInputBinding, data_type,
                                 dict(name=arg_name, type=type, **kwargs))

    def generic_output_binding(self,
                               arg_name: str,
                               type: str,  # noqa: A002
                               data_type: Optional[
                                   Union[DataType, str]] = None,
                               **kwargs) -> Callable[..., Any]:
        """An output binding of any ``type``."""

        return self._add_binding(GenericOutputBinding, data_type,
                                 dict(name=arg_name, type=type, **kwargs))


class SettingsApi(DecoratorApi, ABC):
    """Setting decorators."""

    def retry(self,
              strategy: str,
              max_retry_count: str,
              delay_interval: Optional[str] = None,
              minimum_interval: Optional[str] = None,
              maximum_interval: Optional[str] = None,
              setting_extra_fields: Optional[Dict[str, Any]] = None,
              ) -> Callable[..., Any]:
        """Retry policy: ``strategy`` is ``fixed_delay`` (with
        ``delay_interval``) or ``exponential_backoff`` (with
        ``minimum_interval``/``maximum_interval``); intervals are
        ``HH:MM:SS`` strings."""
        extra = dict(setting_extra_fields or {})

        @self._configure_function_builder
        def wrap(fb: FunctionBuilder) -> FunctionBuilder:
            fb.add_setting(setting=RetryPolicy(
                strategy=strategy, max_retry_count=max_retry_count,
                delay_interval=delay_interval,
                minimum_interval=minimum_interval,
                maximum_interval=maximum_interval, **extra))
            return fb

        return wrap


class HttpFunctionsAuthLevelMixin(ABC):
    """The app-wide HTTP auth level, applied to HTTP triggers that do not
    set their own."""

    def __init__(self, auth_level: Union[AuthLevel, str], *args, **kwargs):
        self._auth_level = _parse_auth_level(auth_level)

    @property
    def auth_level(self) -> AuthLevel:
        return self._auth_level


def _parse_auth_level(auth_level: Union[AuthLevel, str]) -> AuthLevel:
    if isinstance(auth_level, str):
        try:
            return AuthLevel[auth_level]
        except KeyError:
            return parse_singular_param_to_enum(auth_level, AuthLevel)
    return auth_level


class FunctionRegister(DecoratorApi, HttpFunctionsAuthLevelMixin, ABC):
    """Base of every object the worker indexes in function_app.py."""

    def __init__(self, auth_level: Union[AuthLevel, str], *args, **kwargs):
        DecoratorApi.__init__(self, *args, **kwargs)
        HttpFunctionsAuthLevelMixin.__init__(self, auth_level, *args,
                                             **kwargs)
        self._require_auth_level: Optional[bool] = None
        self.functions_bindings: Optional[Dict[str, Any]] = None

    def get_functions(self) -> List[Function]:
        """Validate and return every function registered on this app
        (including registered blueprints)."""
        functions = [fb.build(self.auth_level)
                     for fb in self._function_builders]
        if not self._require_auth_level:
            self._require_auth_level = any(
                f.is_http_function() for f in functions)
        if not self._require_auth_level:
            _logger.debug('Auth level is not applied to a function app '
                          'without HTTP functions.')
        self.validate_function_names(functions=functions)
        return functions

    def validate_function_names(self, functions: List[Function]) -> None:
        """Function names must be unique within the app."""
        self.functions_bindings = {}
        for function in functions:
            name = function.get_function_name()
            if name in self.functions_bindings:
                raise ValueError(
                    f"Function {name} does not have a unique function name."
                    f" Please change @app.function_name() or the function"
                    f" method name to be unique.")
            self.functions_bindings[name] = True

    def register_functions(self, function_container: DecoratorApi) -> None:
        """Add the functions of a :class:`Blueprint` (or any decorator
        container that is not itself a function app)."""
        if isinstance(function_container, FunctionRegister):
            raise TypeError("functions can not be type of FunctionRegister!")
        self._function_builders.extend(function_container._function_builders)

    register_blueprint = register_functions


class FunctionApp(FunctionRegister, TriggerApi, BindingApi, SettingsApi):
    """``app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)``
    in function_app.py; decorate functions with ``@app.route()`` etc."""

    def __init__(self,
                 http_auth_level: Union[AuthLevel, str] = AuthLevel.FUNCTION):
        super().__init__(auth_level=http_auth_level)


class Blueprint(TriggerApi, BindingApi, SettingsApi):
    """Functions declared in another module and added to the app with
    ``app.register_functions(bp)`` (or ``register_blueprint``)."""


class ExternalHttpFunctionApp(FunctionRegister, TriggerApi, SettingsApi,
                              BindingApi, ABC):
    """A function app serving a whole ASGI/WSGI web app as one function."""

    @abstractmethod
    def _add_http_app(self, http_middleware: Any,
                      function_name: str = 'http_app_func') -> None:
        raise NotImplementedError()


_ALL_METHODS = tuple(HttpMethod)
_CATCH_ALL_ROUTE = "/{*route}"


class AsgiFunctionApp(ExternalHttpFunctionApp):
    """Serves an ASGI app (FastAPI, Starlette, ...) as one HTTP function
    catching every route.  The ASGI lifespan ``startup`` runs before the
    first request is handled, ``shutdown`` when the worker stops (see
    :meth:`notify_shutdown`)."""

    def __init__(self, app: Any,
                 http_auth_level: Union[AuthLevel, str] = AuthLevel.FUNCTION,
                 function_name: str = 'http_app_func'):
        super().__init__(auth_level=http_auth_level)
        from .._http_asgi import AsgiMiddleware
        self.middleware = AsgiMiddleware(app)
        self.startup_task_done = False
        self._startup_future: Optional['asyncio.Future[bool]'] = None
        self._startup_lock = threading.Lock()
        self._add_http_app(self.middleware, function_name)
        _LIVE_ASGI_APPS.add(self)

    def _add_http_app(self, http_middleware: Any,
                      function_name: str = 'http_app_func') -> None:
        from .._http_asgi import AsgiMiddleware
        if not isinstance(http_middleware, AsgiMiddleware):
            raise TypeError("Please pass AsgiMiddleware instance"
                            " as parameter.")
        asgi_middleware = http_middleware
        app = self

        @self.function_name(name=function_name)
        @self.http_type(http_type='asgi')
        @self.route(methods=_ALL_METHODS, auth_level=self.auth_level,
                    route=_CATCH_ALL_ROUTE)
        async def http_app_func(req, context):
            if not app.startup_task_done:
                if not await app._ensure_startup():
                    raise RuntimeError("ASGI middleware startup failed.")
            return await asgi_middleware.handle_async(req, context)

    async def _ensure_startup(self) -> bool:
        # One startup for concurrent first requests on the same loop.
        import asyncio
        with self._startup_lock:
            future = self._startup_future
            if future is None or future.get_loop() is not \
                    asyncio.get_running_loop():
                future = asyncio.ensure_future(
                    self.middleware.notify_startup())
                self._startup_future = future
        ok = await asyncio.shield(future)
        if ok:
            self.startup_task_done = True
        return ok

    async def notify_shutdown(self) -> bool:
        """Run the ASGI lifespan shutdown (once) if startup ran.  The worker
        awaits this on the event loop that serves invocations when it is
        told to stop; it also runs at interpreter exit if it did not."""
        if not self.startup_task_done:
            return True
        self.startup_task_done = False
        return await self.middleware.notify_shutdown()

    def _shutdown_at_exit(self) -> None:
        if not self.startup_task_done:
            return
        loop = self.middleware._lifespan_loop
        if loop is None or loop.is_closed() or loop.is_running():
            return
        import asyncio
        try:
            loop.run_until_complete(
                asyncio.wait_for(self.notify_shutdown(), 10))
        except Exception:  # pragma: no cover - best effort at exit
            _logger.exception('ASGI lifespan shutdown failed')


_LIVE_ASGI_APPS: 'weakref.WeakSet[AsgiFunctionApp]' = weakref.WeakSet()


async def shutdown_asgi_apps(timeout: float = 10.0) -> None:
    """Run the ASGI lifespan shutdown of every :class:`AsgiFunctionApp`
    whose startup ran on the current event loop.  pyfn's worker awaits this
    on its invocation loop when it stops (before the loop is closed, which
    would otherwise cancel the lifespan task without a shutdown)."""
    import asyncio
    loop = asyncio.get_running_loop()
    for app in list(_LIVE_ASGI_APPS):
        if not app.startup_task_done or \
                app.middleware._lifespan_loop is not loop:
            continue
        try:
            await asyncio.wait_for(app.notify_shutdown(), timeout)
        except Exception:
            _logger.exception('ASGI lifespan shutdown failed')


@atexit.register
def _shutdown_asgi_apps() -> None:  # pragma: no cover - exercised at exit
    for app in list(_LIVE_ASGI_APPS):
        app._shutdown_at_exit()


class WsgiFunctionApp(ExternalHttpFunctionApp):
    """Serves a WSGI app (Flask, Django, ...) as one HTTP function catching
    every route."""

    def __init__(self, app: Any,
                 http_auth_level: Union[AuthLevel, str] = AuthLevel.FUNCTION,
                 function_name: str = 'http_app_func'):
        super().__init__(auth_level=http_auth_level)
        self._add_http_app(WsgiMiddleware(app), function_name)

    def _add_http_app(self, http_middleware: Any,
                      function_name: str = 'http_app_func') -> None:
        if not isinstance(http_middleware, WsgiMiddleware):
            raise TypeError("Please pass WsgiMiddleware instance"
                            " as parameter.")
        wsgi_middleware: WsgiMiddleware = http_middleware

        @self.function_name(name=function_name)
        @self.http_type(http_type='wsgi')
        @self.route(methods=_ALL_METHODS, auth_level=self.auth_level,
                    route=_CATCH_ALL_ROUTE)
        def http_app_func(req, context):
            return wsgi_middleware.handle(req, context)


def get_function_parameter_errors(function: Function) -> Optional[str]:
    """The first mismatch between the Python parameters of ``function`` and
    its bindings, worded like the worker's load error, or ``None``.
    (The public package leaves this check to the worker at function load:
    ``cannot load the <name> function: <this message>``.)  ``context`` may
    be taken without a binding; ``$return`` is not a parameter."""
    try:
        params = [name for name, _, _ in
                  _signature.parameters(function.get_user_function())[0]]
    except (TypeError, ValueError):
        return None
    bound = [b.name for b in function.get_bindings() if b.name != '$return']
    if 'context' in params and 'context' not in bound:
        params.remove('context')
    missing_in_bindings = set(params) - set(bound)
    if missing_in_bindings:
        return ('the following parameters are declared in Python but not '
                f'in function.json: {missing_in_bindings!r}')
    missing_in_python = set(bound) - set(params)
    if missing_in_python:
        return ('the following parameters are declared in function.json '
                f'but not in Python: {missing_in_python!r}')
    return None
