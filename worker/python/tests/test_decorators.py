"""The decorator programming model: metadata each decorator produces (the
binding objects the public azure-functions package emits), misuse errors,
blueprints, and the contract with the worker's indexing."""
import asyncio
import json
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))

from azure.functions.decorators import (  # noqa: E402
    AsgiFunctionApp, AuthLevel, Blueprint, BlobSource, DataType,
    FunctionApp, FunctionBuilder, FunctionRegister, HttpMethod,
    WsgiFunctionApp)
from azure.functions.decorators.core import BindingDirection  # noqa: E402
from azure.functions.decorators.function_app import (  # noqa: E402
    Function, get_function_parameter_errors)
from azure.functions.decorators.http import HttpTrigger  # noqa: E402
from azure.functions.decorators.blob import BlobTrigger  # noqa: E402


def only_function(app):
    functions = app.get_functions()
    assert len(functions) == 1
    return functions[0]


def raw(fn):
    """The raw bindings as dicts (what the worker sends to the host)."""
    return [json.loads(b) for b in fn.get_raw_bindings()]


def function_json(fn):
    return json.loads(fn.get_function_json())


# --- HTTP -------------------------------------------------------------------

def test_route_defaults():
    app = FunctionApp()

    @app.route()
    def hello(req):
        pass

    fn = only_function(app)
    assert fn.get_function_name() == 'hello'
    assert function_json(fn) == {
        "scriptFile": "function_app.py",
        "bindings": [
            {"authLevel": "FUNCTION", "direction": "IN",
             "type": "httpTrigger", "name": "req", "route": "hello"},
            {"direction": "OUT", "type": "http", "name": "$return"},
        ]}
    assert isinstance(fn.get_trigger(), HttpTrigger)
    assert fn.is_http_function()
    assert fn.http_type == 'function'


def test_route_with_all_args():
    app = FunctionApp()

    @app.route(trigger_arg_name='trigger_name', binding_arg_name='out',
               methods=(HttpMethod.GET, HttpMethod.PATCH),
               auth_level=AuthLevel.FUNCTION, route='dummy_route',
               trigger_extra_fields={"dummy_field": "dummy"},
               binding_extra_fields={"dummy_field": "dummy"})
    def f(trigger_name, out):
        pass

    assert raw(only_function(app)) == [
        {"direction": "IN", "dummyField": "dummy", "type": "httpTrigger",
         "name": "trigger_name", "authLevel": "FUNCTION",
         "route": "dummy_route", "methods": ["GET", "PATCH"]},
        {"direction": "OUT", "dummyField": "dummy", "type": "http",
         "name": "out"},
    ]


def test_route_methods_as_strings_any_case():
    app = FunctionApp()

    @app.route(route='r', methods=['get', 'Post'])
    def f(req):
        pass

    trigger = raw(only_function(app))[0]
    assert trigger["methods"] == ["GET", "POST"]


def test_route_bad_method_is_key_error():
    app = FunctionApp()
    with pytest.raises(KeyError, match='HttpMethod'):
        @app.route(methods=['FETCH'])
        def f(req):
            pass


def test_app_auth_level_applies_when_route_has_none():
    app = FunctionApp(http_auth_level=AuthLevel.ANONYMOUS)

    @app.route(route='a')
    def a(req):
        pass

    @app.route(route='b', auth_level=AuthLevel.ADMIN)
    def b(req):
        pass

    @app.route(route='c', auth_level='function')
    def c(req):
        pass

    levels = [raw(fn)[0]["authLevel"] for fn in app.get_functions()]
    assert levels == ["ANONYMOUS", "ADMIN", "FUNCTION"]
    assert app.auth_level is AuthLevel.ANONYMOUS


@pytest.mark.parametrize('level', ['ANONYMOUS', 'anonymous'])
def test_app_auth_level_as_string(level):
    assert FunctionApp(http_auth_level=level).auth_level is \
        AuthLevel.ANONYMOUS


def test_default_app_auth_level_is_function():
    assert FunctionApp().auth_level is AuthLevel.FUNCTION


def test_route_defaults_to_function_name_setting():
    app = FunctionApp()

    @app.function_name("Named")
    @app.route()
    def python_name(req):
        pass

    fn = only_function(app)
    assert fn.get_function_name() == "Named"
    assert fn.get_trigger().route == "Named"


def test_function_name_either_order():
    app = FunctionApp()

    @app.route(route="x")
    @app.function_name("Outer")
    def python_name(req):
        pass

    assert only_function(app).get_function_name() == "Outer"


def test_get_dict_repr_keeps_enum_members():
    app = FunctionApp(http_auth_level=AuthLevel.ANONYMOUS)

    @app.route(route='x', methods=[HttpMethod.GET])
    def f(req):
        pass

    trigger = only_function(app).get_bindings_dict()["bindings"][0]
    assert trigger["direction"] is BindingDirection.IN
    assert trigger["authLevel"] is AuthLevel.ANONYMOUS
    assert trigger["methods"] == [HttpMethod.GET]


# --- timer ------------------------------------------------------------------

@pytest.mark.parametrize('decorator', ['schedule', 'timer_trigger'])
def test_timer_default_args(decorator):
    app = FunctionApp()

    @getattr(app, decorator)(arg_name="timer", schedule="*/5 * * * * *")
    def tick(timer):
        pass

    fn = only_function(app)
    assert raw(fn) == [{"name": "timer", "type": "timerTrigger",
                        "direction": "IN", "schedule": "*/5 * * * * *"}]
    assert not fn.is_http_function()


@pytest.mark.parametrize('decorator', ['schedule', 'timer_trigger'])
def test_timer_full_args(decorator):
    app = FunctionApp()

    @getattr(app, decorator)(arg_name="req", schedule="dummy_schedule",
                             run_on_startup=False, use_monitor=False,
                             data_type=DataType.STRING, dummy_field='dummy')
    def f(req):
        pass

    assert raw(only_function(app)) == [{
        "name": "req", "type": "timerTrigger", "dataType": "STRING",
        "direction": "IN", "dummyField": "dummy",
        "schedule": "dummy_schedule", "runOnStartup": False,
        "useMonitor": False}]


# --- queue ------------------------------------------------------------------

def test_queue_default_args():
    app = FunctionApp()

    @app.queue_trigger(arg_name="req", queue_name="dummy_queue",
                       connection="dummy_conn")
    @app.queue_output(arg_name="out", queue_name="dummy_out_queue",
                      connection="dummy_out_conn")
    def f(req, out):
        pass

    assert function_json(only_function(app)) == {
        "scriptFile": "function_app.py",
        "bindings": [
            {"direction": "OUT", "type": "queue", "name": "out",
             "queueName": "dummy_out_queue", "connection": "dummy_out_conn"},
            {"direction": "IN", "type": "queueTrigger", "name": "req",
             "queueName": "dummy_queue", "connection": "dummy_conn"},
        ]}


def test_queue_full_args():
    app = FunctionApp()

    @app.queue_trigger(arg_name="req", queue_name="dummy_queue",
                       connection="dummy_conn",
                       data_type=DataType.STRING, dummy_field="dummy")
    @app.queue_output(arg_name="out", queue_name="dummy_out_queue",
                      connection="dummy_out_conn",
                      data_type='string', dummy_field="dummy")
    def f(req, out):
        pass

    assert raw(only_function(app)) == [
        {"direction": "OUT", "dummyField": "dummy", "dataType": "STRING",
         "type": "queue", "name": "out", "queueName": "dummy_out_queue",
         "connection": "dummy_out_conn"},
        {"direction": "IN", "dummyField": "dummy", "dataType": "STRING",
         "type": "queueTrigger", "name": "req", "queueName": "dummy_queue",
         "connection": "dummy_conn"},
    ]


# --- blob -------------------------------------------------------------------

def test_blob_trigger_input_output():
    app = FunctionApp()

    @app.blob_trigger(arg_name="req", path="dummy_path",
                      connection="dummy_conn")
    @app.blob_input(arg_name="file", path="dummy_in_path",
                    connection="dummy_in_conn", data_type=DataType.BINARY)
    @app.blob_output(arg_name="out", path="dummy_out_path",
                     connection="dummy_out_conn", data_type=DataType.STRING)
    def f(req, file, out):
        pass

    assert raw(only_function(app)) == [
        {"direction": "OUT", "dataType": "STRING", "type": "blob",
         "name": "out", "path": "dummy_out_path",
         "connection": "dummy_out_conn"},
        {"direction": "IN", "dataType": "BINARY", "type": "blob",
         "name": "file", "path": "dummy_in_path",
         "connection": "dummy_in_conn"},
        {"direction": "IN", "type": "blobTrigger", "name": "req",
         "path": "dummy_path", "connection": "dummy_conn"},
    ]


# --- table ------------------------------------------------------------------

def test_table_input_and_output():
    app = FunctionApp()

    @app.route(route="people/{partition}/{row}")
    @app.table_input(arg_name="entity", connection="dummy_in_conn",
                     table_name="dummy_table", row_key="{row}",
                     partition_key="{partition}", take=1,
                     filter="dummy_filter", data_type=DataType.UNDEFINED)
    @app.table_output(arg_name="out", connection="dummy_out_conn",
                      table_name="dummy_table", row_key="r",
                      partition_key="p", data_type="STRING")
    def f(req, entity, out):
        pass

    bindings = raw(only_function(app))
    assert bindings[0] == {
        "direction": "OUT", "dataType": "STRING", "type": "table",
        "name": "out", "connection": "dummy_out_conn",
        "tableName": "dummy_table", "rowKey": "r", "partitionKey": "p"}
    assert bindings[1] == {
        "direction": "IN", "dataType": "UNDEFINED", "type": "table",
        "name": "entity", "connection": "dummy_in_conn",
        "tableName": "dummy_table", "rowKey": "{row}",
        "partitionKey": "{partition}", "take": 1, "filter": "dummy_filter"}


def test_table_optional_fields_are_omitted_and_kwargs_kept():
    from azure.functions.decorators.table import TableInput, TableOutput
    app = FunctionApp()

    @app.queue_trigger(arg_name="msg", queue_name="q", connection="c")
    @app.table_input("rows", "conn", "people", extra_field="x")
    @app.table_output("out", "conn", "people")
    def f(msg, rows, out):
        pass

    bindings = raw(only_function(app))
    assert bindings[0] == {"direction": "OUT", "type": "table",
                           "name": "out", "connection": "conn",
                           "tableName": "people"}
    assert bindings[1] == {"direction": "IN", "type": "table",
                           "name": "rows", "connection": "conn",
                           "tableName": "people", "extraField": "x"}
    assert TableInput.get_binding_name() == "table"
    assert TableOutput.get_binding_name() == "table"


def test_blob_trigger_source():
    app = FunctionApp()

    @app.blob_trigger(arg_name="req", path="c/{name}", connection="conn",
                      source=BlobSource.EVENT_GRID)
    def f(req):
        pass

    fn = only_function(app)
    assert raw(fn)[0]["source"] == "EVENT_GRID"
    assert isinstance(fn.get_trigger(), BlobTrigger)


def test_blob_binding_class_extra_fields():
    trigger = BlobTrigger(name="req", path="dummy_path",
                          connection="dummy_connection",
                          data_type=DataType.UNDEFINED, dummy_field="dummy")
    assert trigger.get_binding_name() == "blobTrigger"
    assert trigger.get_dict_repr() == {
        "type": "blobTrigger", "direction": BindingDirection.IN,
        "dummyField": "dummy", "name": "req",
        "dataType": DataType.UNDEFINED, "path": "dummy_path",
        "connection": "dummy_connection"}


# --- generic ----------------------------------------------------------------

def test_generic_bindings():
    app = FunctionApp()

    @app.generic_trigger(arg_name="req", type="httpTrigger", route="g",
                         auth_level="anonymous", methods=["GET"])
    @app.generic_input_binding(arg_name="doc", type="cosmosDB",
                               database_name="db", connection="cosmos",
                               data_type=DataType.STRING)
    @app.generic_output_binding(arg_name="$return", type="http")
    def g(req, doc):
        pass

    fn = only_function(app)
    assert raw(fn) == [
        {"direction": "OUT", "type": "http", "name": "$return"},
        {"direction": "IN", "dataType": "STRING", "type": "cosmosDB",
         "name": "doc", "databaseName": "db", "connection": "cosmos"},
        {"direction": "IN", "type": "httpTrigger", "name": "req",
         "route": "g", "authLevel": "anonymous", "methods": ["GET"]},
    ]
    # A generic httpTrigger is an HTTP function (auth level filled in).
    assert fn.is_http_function()


def test_generic_http_trigger_gets_default_route():
    app = FunctionApp(http_auth_level=AuthLevel.ANONYMOUS)

    @app.generic_trigger(arg_name="req", type="httpTrigger")
    def gen(req):
        pass

    trigger = raw(only_function(app))[0]
    assert trigger["route"] == "gen"


# --- retry and settings -----------------------------------------------------

def test_retry_fixed_delay():
    app = FunctionApp()

    @app.timer_trigger(arg_name="t", schedule="0 */5 * * * *")
    @app.retry(strategy="fixed_delay", max_retry_count="3",
               delay_interval="00:00:01")
    def f(t):
        pass

    fn = only_function(app)
    expected = {"setting_name": "retry_policy", "strategy": "fixed_delay",
                "max_retry_count": "3", "delay_interval": "00:00:01"}
    assert fn.get_settings_dict("retry_policy") == expected
    assert fn.get_settings_dict("retry") == expected
    # settings are not bindings
    assert len(fn.get_raw_bindings()) == 1


def test_retry_exponential_backoff():
    app = FunctionApp()

    @app.retry(strategy="exponential_backoff", max_retry_count="5",
               minimum_interval="00:00:01", maximum_interval="00:01:00",
               setting_extra_fields={"note": "x"})
    @app.queue_trigger(arg_name="m", queue_name="q", connection="c")
    def f(m):
        pass

    assert only_function(app).get_settings_dict("retry") == {
        "setting_name": "retry_policy", "strategy": "exponential_backoff",
        "max_retry_count": "5", "minimum_interval": "00:00:01",
        "maximum_interval": "00:01:00", "note": "x"}


def test_no_retry_is_none():
    app = FunctionApp()

    @app.route()
    def f(req):
        pass

    assert only_function(app).get_settings_dict("retry") is None


def test_function_name_setting_dict():
    app = FunctionApp()

    @app.function_name("n1")
    @app.route()
    def f(req):
        pass

    assert only_function(app).get_settings_dict("function_name") == {
        "setting_name": "function_name", "function_name": "n1"}


# --- misuse errors ----------------------------------------------------------

def test_function_without_trigger():
    app = FunctionApp()

    @app.queue_output(arg_name="out", queue_name="q", connection="c")
    def no_trigger(out):
        pass

    with pytest.raises(ValueError) as err:
        app.get_functions()
    assert err.value.args[0] == (
        "Function no_trigger does not have a trigger. A valid function "
        "must have one and only one trigger registered.")


def test_two_triggers():
    app = FunctionApp()
    with pytest.raises(ValueError) as err:
        @app.route(route="x")
        @app.schedule(arg_name="t", schedule="* * * * * *")
        def f(req, t):
            pass
    assert err.value.args[0].startswith(
        "A trigger was already registered to this function. Adding another "
        "trigger is not the correct behavior as a function can only have "
        "one trigger. Existing registered trigger is ")
    assert "New trigger being added is" in err.value.args[0]


DUPLICATE = ("Function {} does not have a unique function name. Please "
             "change @app.function_name() or the function method name to "
             "be unique.")


def test_duplicate_method_names():
    app = FunctionApp()

    @app.schedule(arg_name="name", schedule="10****")
    def same(name):
        pass

    first = same  # the second function below reuses the name on purpose

    @app.schedule(arg_name="name", schedule="10****")
    def same(name):  # noqa: F811
        pass

    assert first is not same

    with pytest.raises(ValueError) as err:
        app.get_functions()
    assert err.value.args[0] == DUPLICATE.format("same")


def test_duplicate_function_name_setting():
    app = FunctionApp()

    @app.function_name("dup")
    @app.schedule(arg_name="name", schedule="10****")
    def one(name):
        pass

    @app.function_name("dup")
    @app.schedule(arg_name="name", schedule="10****")
    def two(name):
        pass

    with pytest.raises(ValueError) as err:
        app.get_functions()
    assert err.value.args[0] == DUPLICATE.format("dup")


def test_function_name_clashes_with_method_name_in_blueprint():
    app = FunctionApp()

    @app.function_name("clash")
    @app.schedule(arg_name="name", schedule="10****")
    def other(name):
        pass

    bp = Blueprint()

    @bp.schedule(arg_name="name", schedule="10****")
    def clash(name):
        pass

    app.register_blueprint(bp)
    with pytest.raises(ValueError) as err:
        app.get_functions()
    assert err.value.args[0] == DUPLICATE.format("clash")


def test_get_functions_can_be_called_twice():
    app = FunctionApp()

    @app.route()
    def a(req):
        pass

    assert len(app.get_functions()) == 1
    assert len(app.get_functions()) == 1


def test_register_function_app_is_type_error():
    with pytest.raises(TypeError) as err:
        FunctionApp().register_functions(FunctionApp())
    assert err.value.args[0] == \
        "functions can not be type of FunctionRegister!"


def test_decorating_a_non_callable():
    app = FunctionApp()
    with pytest.raises(ValueError) as err:
        app._validate_type(object())
    assert err.value.args[0] == \
        "Unsupported type for function app decorator found."


def test_bad_data_type_string():
    app = FunctionApp()
    with pytest.raises(KeyError, match="DataType"):
        @app.queue_trigger(arg_name="m", queue_name="q", connection="c",
                           data_type="text")
        def f(m):
            pass


@pytest.mark.parametrize('source, expected', [
    ("def f(req, extra): pass",
     "the following parameters are declared in Python but not in "
     "function.json: {'extra'}"),
    ("def f(): pass",
     "the following parameters are declared in function.json but not in "
     "Python: {'req'}"),
    ("def f(req, context): pass", None),
])
def test_parameter_errors(source, expected):
    namespace = {}
    exec(source, namespace)
    app = FunctionApp()
    app.route(route='p')(namespace['f'])
    assert get_function_parameter_errors(only_function(app)) == expected


def test_parameter_errors_output_binding_name_typo():
    app = FunctionApp()

    @app.queue_trigger(arg_name="msg", queue_name="q", connection="c")
    @app.queue_output(arg_name="outq", queue_name="q2", connection="c")
    def f(msg, out):
        pass

    message = get_function_parameter_errors(only_function(app))
    assert message == ("the following parameters are declared in Python but "
                       "not in function.json: {'out'}")


# --- blueprints -------------------------------------------------------------

def test_blueprint_registration_keeps_order_and_app_auth_level():
    app = FunctionApp(http_auth_level=AuthLevel.ANONYMOUS)

    @app.route(route="first")
    def first(req):
        pass

    bp = Blueprint()

    @bp.route(route="bp_route")
    def from_bp(req):
        pass

    @bp.schedule(arg_name="t", schedule="0 0 * * * *")
    def bp_timer(t):
        pass

    app.register_functions(bp)
    functions = app.get_functions()
    assert [f.get_function_name() for f in functions] == \
        ["first", "from_bp", "bp_timer"]
    assert raw(functions[1])[0]["authLevel"] == "ANONYMOUS"


def test_register_blueprint_alias():
    assert FunctionApp.register_blueprint is FunctionApp.register_functions


def test_blueprint_is_not_indexed_by_itself():
    assert not isinstance(Blueprint(), FunctionRegister)
    assert isinstance(FunctionApp(), FunctionRegister)


# --- what the worker relies on ----------------------------------------------

def test_decorated_name_is_callable_builder():
    app = FunctionApp()

    @app.route()
    def add(a, b=2):
        return a + b

    assert isinstance(add, FunctionBuilder)
    assert add(1) == 3
    fn = add.build()
    assert fn.get_user_function()(5) == 7
    assert fn.get_user_function().__name__ == 'add'


def test_async_user_function_kept():
    app = FunctionApp()

    @app.route()
    async def coro(req):
        return 'ok'

    fn = only_function(app)
    assert asyncio.iscoroutinefunction(fn.get_user_function())
    assert asyncio.run(coro(None)) == 'ok'


def test_worker_contract_methods():
    app = FunctionApp(http_auth_level=AuthLevel.ANONYMOUS)

    @app.route(route="hello/{name}", methods=["GET"])
    @app.retry(strategy="fixed_delay", max_retry_count="1",
               delay_interval="00:00:02")
    def hello(req):
        return 'x'

    fn = only_function(app)
    assert isinstance(fn, Function)
    assert fn.get_function_name() == "hello"
    assert fn.get_trigger().type == "httpTrigger"
    assert all(isinstance(b, str) for b in fn.get_raw_bindings())
    assert json.loads(fn.get_function_json())["bindings"] == raw(fn)
    assert [b["name"] for b in fn.get_bindings_dict()["bindings"]] == \
        ["req", "$return"]
    assert fn.get_settings_dict("retry")["delay_interval"] == "00:00:02"
    assert str(fn) == fn.get_function_json()


# --- ASGI / WSGI function apps: metadata ------------------------------------

ALL_METHODS = ["GET", "POST", "DELETE", "HEAD", "PATCH", "PUT", "OPTIONS"]


@pytest.mark.parametrize('cls, http_type', [(AsgiFunctionApp, 'asgi'),
                                            (WsgiFunctionApp, 'wsgi')])
def test_external_app_metadata(cls, http_type):
    app = cls(app=object(), http_auth_level=AuthLevel.ANONYMOUS)
    fn = only_function(app)
    assert fn.get_function_name() == 'http_app_func'
    assert fn.http_type == http_type
    assert raw(fn) == [
        {"direction": "IN", "type": "httpTrigger", "name": "req",
         "methods": ALL_METHODS, "authLevel": "ANONYMOUS",
         "route": "/{*route}"},
        {"direction": "OUT", "type": "http", "name": "$return"},
    ]
    assert isinstance(app, FunctionRegister)


@pytest.mark.parametrize('cls', [AsgiFunctionApp, WsgiFunctionApp])
def test_external_app_custom_name_and_default_auth(cls):
    app = cls(app=object(), function_name='web')
    fn = only_function(app)
    assert fn.get_function_name() == 'web'
    assert raw(fn)[0]["authLevel"] == "FUNCTION"


@pytest.mark.parametrize('cls', [AsgiFunctionApp, WsgiFunctionApp])
def test_external_app_add_wrong_middleware(cls):
    app = cls(app=object())
    with pytest.raises(TypeError, match='instance as parameter'):
        app._add_http_app(object())


def test_external_app_can_add_more_functions():
    app = WsgiFunctionApp(app=object())

    @app.schedule(arg_name="t", schedule="0 0 * * * *")
    def housekeeping(t):
        pass

    names = [f.get_function_name() for f in app.get_functions()]
    assert names == ['http_app_func', 'housekeeping']


# --- package exports ----------------------------------------------------------

def test_top_level_exports():
    import azure.functions as func
    for name in ['FunctionApp', 'Function', 'FunctionRegister', 'Blueprint',
                 'DecoratorApi', 'TriggerApi', 'BindingApi', 'SettingsApi',
                 'ExternalHttpFunctionApp', 'AsgiFunctionApp',
                 'WsgiFunctionApp', 'AsgiMiddleware', 'WsgiMiddleware',
                 'DataType', 'AuthLevel', 'Cardinality', 'AccessRights',
                 'BlobSource', 'HttpMethod']:
        assert hasattr(func, name), name
        assert name in func.__all__, name
    assert func.FunctionApp is FunctionApp
    assert func.AuthLevel.ANONYMOUS is AuthLevel.ANONYMOUS
