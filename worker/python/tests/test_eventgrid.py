"""Event Grid: the library's EventGridEvent / EventGridOutputEvent, the
eventGridTrigger and eventGrid converters (the public package's rules), and
the event_grid_trigger / event_grid_output decorators (the function.json the
public package emits)."""
import datetime
import json
import os
import sys
import typing

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))

import azure.functions as func  # noqa: E402
from azure.functions import meta  # noqa: E402
from azure.functions.decorators import DataType, FunctionApp  # noqa: E402
from azure.functions.decorators.eventgrid import (  # noqa: E402
    EventGridOutput, EventGridTrigger)

REG = meta.get_binding_registry()
IN = REG.get('eventGridTrigger')
OUT = REG.get('eventGrid')
UTC = datetime.timezone.utc

EVENT = {
    "topic": "/TestTopic/namespaces/test",
    "subject": "eventhubs/test",
    "eventType": "captureFileCreated",
    "eventTime": "2017-07-14T23:10:27.7689666Z",
    "id": "00010001-0001-0001-0001-000100010001",
    "data": {"fileUrl": "https://test.blob.core.windows.net/x.txt",
             "sizeInBytes": 0},
    "dataVersion": "",
    "metadataVersion": "1",
}


def out_event(**kw):
    args = dict(id='id', subject='subject', event_type='eventType',
                event_time=datetime.datetime(2020, 4, 22, 18, 19, 19,
                                             tzinfo=UTC),
                data={'tag1': 'value1'}, data_version='1.0')
    args.update(kw)
    return func.EventGridOutputEvent(**args)


# --- the event classes ------------------------------------------------------

def test_events_share_their_fields_and_stay_read_only():
    t = datetime.datetime(2024, 1, 1, tzinfo=UTC)
    ev = func.EventGridEvent(id='1', data={'a': 1}, topic='top',
                             subject='sub', event_type='et', event_time=t,
                             data_version='2')
    assert (ev.id, ev.topic, ev.subject, ev.event_type, ev.event_time,
            ev.data_version, ev.get_json()) == \
        ('1', 'top', 'sub', 'et', t, '2', {'a': 1})
    out = out_event()
    assert (out.id, out.subject, out.event_type, out.data_version) == \
        ('id', 'subject', 'eventType', '1.0')
    assert not hasattr(out, 'topic')
    for obj, name in ((ev, 'id'), (ev, 'topic'), (out, 'subject')):
        with pytest.raises(AttributeError):
            setattr(obj, name, 'x')
    assert repr(ev).startswith('<azure.EventGridEvent id=1 topic=top '
                               'subject=sub at 0x')
    assert repr(out).startswith('<azure.EventGridOutputEvent id=id '
                                'event_type=eventType subject=subject at 0x')
    assert isinstance(ev, func._abc.EventGridEvent)
    assert isinstance(out, func._abc.EventGridOutputEvent)
    with pytest.raises(TypeError):  # keyword-only, as in the public package
        func.EventGridOutputEvent('id', {}, 's', 't', None, '1')


# --- trigger converter ------------------------------------------------------

def test_input_type_annotations():
    assert IN.check_input_type_annotation(func.EventGridEvent)
    assert not IN.check_input_type_annotation(typing.List[func.EventGridEvent])
    assert not IN.check_input_type_annotation(str)
    assert not IN.check_input_type_annotation(bytes)


@pytest.mark.parametrize('kind', ['json', 'string', 'bytes'])
def test_decode_an_event_grid_event(kind):
    text = json.dumps(EVENT)
    datum = meta.Datum(text.encode() if kind == 'bytes' else text, kind)
    ev = IN.decode(datum, trigger_metadata=None)
    assert ev.id == "00010001-0001-0001-0001-000100010001"
    assert ev.subject == "eventhubs/test"
    assert ev.event_type == "captureFileCreated"
    assert ev.topic == "/TestTopic/namespaces/test"
    assert ev.data_version == ""
    assert ev.get_json()["sizeInBytes"] == 0
    assert ev.event_time == datetime.datetime(2017, 7, 14, 23, 10, 27, 768966,
                                              tzinfo=UTC)


def test_decode_without_data_or_time():
    body = {k: v for k, v in EVENT.items() if k not in ('data', 'eventTime')}
    ev = IN.decode(meta.Datum(json.dumps(body), 'json'), trigger_metadata={})
    assert ev.get_json() is None
    assert ev.event_time is None


def test_decode_a_cloud_event_maps_its_fields():
    ce = {"specversion": "1.0", "id": "ce-1", "source": "/my/source",
          "type": "Contoso.Items.ItemReceived", "subject": "items/1",
          "time": "2024-05-01T10:00:00Z", "data": {"n": 3}}
    ev = IN.decode(meta.Datum(json.dumps(ce), 'json'), trigger_metadata={})
    assert (ev.id, ev.topic, ev.event_type, ev.subject) == \
        ('ce-1', '/my/source', 'Contoso.Items.ItemReceived', 'items/1')
    assert ev.event_time == datetime.datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert ev.get_json() == {"n": 3}


def test_decode_refuses_what_is_not_an_event():
    with pytest.raises(ValueError, match='JSON object, not list'):
        IN.decode(meta.Datum('[1]', 'json'), trigger_metadata={})
    with pytest.raises(Exception):
        IN.decode(meta.Datum(1, 'int'), trigger_metadata={})


# --- output converter -------------------------------------------------------

def test_output_type_annotations():
    ok = OUT.check_output_type_annotation
    assert ok(func.EventGridOutputEvent)
    assert ok(typing.List[func.EventGridOutputEvent])
    assert ok(str)
    assert ok(bytes)
    assert ok(typing.List[str])
    assert not ok(int)


def test_encode_str_bytes_event_and_lists():
    text = json.dumps({"id": "id", "subject": "s"})
    assert OUT.encode(text, expected_type=str).type == 'string'
    d = OUT.encode(text.encode(), expected_type=bytes)
    assert (d.type, d.value) == ('bytes', text.encode())
    d = OUT.encode(out_event(), expected_type=None)
    assert d.type == 'json'
    assert json.loads(d.value) == {
        'id': 'id', 'subject': 'subject', 'dataVersion': '1.0',
        'eventType': 'eventType', 'data': {'tag1': 'value1'},
        'eventTime': '2020-04-22T18:19:19+00:00'}
    d = OUT.encode([out_event(id='a'), out_event(id='b'), text],
                   expected_type=None)
    items = json.loads(d.value)
    assert d.type == 'json'
    assert [items[0]['id'], items[1]['id'], items[2]] == ['a', 'b', text]
    # No time: null, which the host fills in (as Azure's SDK does).
    assert json.loads(OUT.encode(out_event(event_time=None),
                                 expected_type=None).value)['eventTime'] \
        is None


def test_encode_refuses_other_values():
    with pytest.raises(TypeError):
        OUT.encode(42, expected_type=None)
    with pytest.raises(TypeError):
        OUT.encode([out_event(), 42], expected_type=None)


# --- decorators -------------------------------------------------------------

def only_function(app):
    functions = app.get_functions()
    assert len(functions) == 1
    return functions[0]


def test_trigger_and_output_default_args():
    app = FunctionApp()

    @app.event_grid_trigger(arg_name="req")
    @app.event_grid_output(arg_name="res",
                           topic_endpoint_uri="dummy_topic_endpoint_uri",
                           topic_key_setting="dummy_topic_key_setting")
    def f(req, res):
        pass

    assert json.loads(only_function(app).get_function_json()) == {
        "scriptFile": "function_app.py",
        "bindings": [
            {"direction": "OUT", "type": "eventGrid", "name": "res",
             "topicKeySetting": "dummy_topic_key_setting",
             "topicEndpointUri": "dummy_topic_endpoint_uri"},
            {"direction": "IN", "type": "eventGridTrigger", "name": "req"},
        ]}


def test_trigger_and_output_full_args():
    app = FunctionApp()

    @app.event_grid_trigger(arg_name="req", data_type=DataType.UNDEFINED,
                            dummy_field="dummy")
    @app.event_grid_output(arg_name="res",
                           topic_endpoint_uri="uri_setting",
                           topic_key_setting="key_setting",
                           data_type='UNDEFINED', dummy_field="dummy")
    def f(req, res):
        pass

    raw = [json.loads(b) for b in only_function(app).get_raw_bindings()]
    assert raw == [
        {"direction": "OUT", "type": "eventGrid", "name": "res",
         "topicEndpointUri": "uri_setting", "topicKeySetting": "key_setting",
         "dummyField": "dummy", "dataType": "UNDEFINED"},
        {"direction": "IN", "type": "eventGridTrigger", "name": "req",
         "dummyField": "dummy", "dataType": "UNDEFINED"},
    ]


def test_binding_classes_as_the_public_package():
    t = EventGridTrigger(name="req", data_type=DataType.UNDEFINED,
                         dummy_field="dummy")
    assert t.get_binding_name() == "eventGridTrigger"
    o = EventGridOutput(name="res", connection="dummy_connection")
    assert o.connection == "dummy_connection"
    assert o.topic_endpoint_uri is None and o.topic_key_setting is None
    assert o.get_dict_repr()["connection"] == "dummy_connection"


@pytest.mark.parametrize('kwargs', [
    dict(connection="c", topic_endpoint_uri="u", topic_key_setting="k"),
    dict(connection="c", topic_key_setting="k"),
    dict(),
    dict(topic_endpoint_uri="u"),
])
def test_output_needs_a_connection_or_both_topic_settings(kwargs):
    app = FunctionApp()
    with pytest.raises(ValueError, match="Specify either the 'Connection' "
                       "property or both 'TopicKeySetting' and "
                       "'TopicEndpointUri' properties, but not both."):
        @app.event_grid_trigger(arg_name="req")
        @app.event_grid_output(arg_name="res", **kwargs)
        def f(req, res):
            pass
