"""Blob and timer triggers, and each converter's answers to the worker
(has_trigger_support, has_implicit_output, check_input_type_annotation,
check_output_type_annotation), as the public package gives them."""

import json
import typing

import pytest

import azure.functions as func
from azure.functions import _abc, meta

REG = meta.get_binding_registry()


def blob(properties=None, **fields):
    md = {k: meta.Datum(v, 'string') for k, v in fields.items()}
    if properties is not None:
        md['Properties'] = meta.Datum(json.dumps(properties), 'json')
    return REG.get('blobTrigger').decode(
        meta.Datum(b'0123456789', 'bytes'), trigger_metadata=md)


# --- blob -----------------------------------------------------------------

@pytest.mark.parametrize('properties, length', [
    ({'ContentLength': 2048}, 2048),
    ({'Length': 1024}, 1024),
    ({'ContentLength': 2048, 'Length': 1024}, 2048),  # ContentLength first
    ({'ContentLength': None, 'Length': 1024}, 1024),
    ({'ContentLength': '77'}, 77),
    ({'ContentType': 'text/plain'}, None),
    # pyfn: an empty blob is 0 long (the public package says None)
    ({'ContentLength': 0, 'Length': 0}, 0),
])
def test_blob_length_from_properties(properties, length):
    assert blob(properties).length == length


def test_blob_name_uri_and_properties():
    s = blob({'ContentLength': 10, 'ETag': '"0x1"'},
             BlobTrigger='inbox/report.csv',
             Uri='http://127.0.0.1:10000/devstoreaccount1/inbox/report.csv')
    assert s.name == 'inbox/report.csv'
    assert s.uri.endswith('/inbox/report.csv')
    assert s.blob_properties == {'ContentLength': 10, 'ETag': '"0x1"'}
    assert s.read() == b'0123456789'


def test_blob_empty_properties_and_odd_metadata_are_none():
    s = blob({})
    assert s.blob_properties is None and s.length is None
    md = {'Metadata': meta.Datum('"not an object"', 'json')}
    s = REG.get('blobTrigger').decode(meta.Datum(b'x', 'bytes'),
                                      trigger_metadata=md)
    assert s.metadata is None
    md = {'Metadata': meta.Datum('{"owner": "ops"}', 'json')}
    assert REG.get('blobTrigger').decode(
        meta.Datum(b'x', 'bytes'), trigger_metadata=md).metadata == \
        {'owner': 'ops'}


def test_blob_without_metadata_has_no_name_uri_length():
    s = REG.get('blob').decode(meta.Datum('text', 'string'),
                               trigger_metadata={})
    assert (s.name, s.uri, s.length) == (None, None, None)
    assert s.read() == b'text'


# --- timer ----------------------------------------------------------------

def timer(payload):
    return REG.get('timerTrigger').decode(
        meta.Datum(json.dumps(payload), 'json'), trigger_metadata={})


@pytest.mark.parametrize('payload', [
    {'Schedule': {'AdjustForDST': False}, 'ScheduleStatus': None,
     'IsPastDue': False},
    {'Schedule': {'AdjustForDST': False}, 'IsPastDue': False},
])
def test_timer_without_schedule_status(payload):
    t = timer(payload)
    assert t.schedule_status == {}
    assert t.schedule == {'AdjustForDST': False}
    assert t.past_due is False


def test_timer_with_everything():
    status = {'Last': '2024-02-03T04:05:00+00:00',
              'Next': '2024-02-03T04:10:00+00:00',
              'LastUpdated': '2024-02-03T04:05:00+00:00'}
    t = timer({'Schedule': {'AdjustForDST': True}, 'ScheduleStatus': status,
               'IsPastDue': True})
    assert t.past_due is True
    assert t.schedule_status == status
    assert t.schedule == {'AdjustForDST': True}


def test_timer_fields_missing_or_null():
    t = timer({})
    assert (t.past_due, t.schedule_status, t.schedule) == (False, {}, {})
    # IsPastDue is taken as sent, as the public package does
    t = timer({'Schedule': None, 'IsPastDue': None})
    assert (t.past_due, t.schedule) == (None, {})


# --- converter answers ------------------------------------------------------

# binding -> (has_trigger_support, has_implicit_output)
ANSWERS = {
    'blob': (True, False), 'blobTrigger': (True, False),
    'cosmosDB': (False, False), 'cosmosDBTrigger': (True, False),
    'eventGrid': (False, False), 'eventGridTrigger': (True, False),
    'eventHub': (False, False), 'eventHubTrigger': (True, False),
    'http': (False, False), 'httpTrigger': (True, False),
    'kafka': (False, False), 'kafkaTrigger': (True, False),
    'queue': (False, False), 'queueTrigger': (True, False),
    'serviceBus': (False, False), 'serviceBusTrigger': (True, False),
    'sql': (False, False),
    'timerTrigger': (True, False),
    'warmupTrigger': (True, False),
    'orchestrationTrigger': (True, True), 'entityTrigger': (True, True),
    'activityTrigger': (True, True),
}


@pytest.mark.parametrize('binding', sorted(ANSWERS))
def test_trigger_and_implicit_output(binding):
    conv = REG.get(binding)
    assert (conv.has_trigger_support(), conv.has_implicit_output()) == \
        ANSWERS[binding]


# (binding, direction, annotation, answer)
ANNOTATIONS = [
    ('blobTrigger', 'in', func.InputStream, True),
    ('blobTrigger', 'in', str, True),
    ('blobTrigger', 'in', bytes, True),
    ('blobTrigger', 'in', dict, False),
    ('blob', 'out', bytearray, True),
    ('blob', 'out', typing.IO, True),  # it has read()
    ('cosmosDBTrigger', 'in', func.DocumentList, True),
    ('cosmosDB', 'in', func.Document, False),
    ('cosmosDB', 'out', func.DocumentList, True),
    ('cosmosDB', 'out', func.Document, True),
    ('cosmosDB', 'out', str, False),
    ('eventGridTrigger', 'in', func.EventGridEvent, True),
    ('eventGridTrigger', 'in', str, False),
    ('eventGrid', 'out', func.EventGridOutputEvent, True),
    ('eventGrid', 'out', typing.List[func.EventGridOutputEvent], True),
    ('eventGrid', 'out', str, True),
    ('eventGrid', 'out', bytes, True),
    ('eventHubTrigger', 'in', func.EventHubEvent, True),
    ('eventHubTrigger', 'in', typing.List[func.EventHubEvent], True),
    ('eventHubTrigger', 'in', str, False),
    ('eventHub', 'out', str, True),
    ('eventHub', 'out', bytes, True),
    ('eventHub', 'out', typing.List[str], True),
    ('eventHub', 'out', func.EventHubEvent, False),
    ('kafkaTrigger', 'in', func.KafkaEvent, True),
    ('kafkaTrigger', 'in', typing.List[func.KafkaEvent], True),
    ('kafka', 'out', str, True),
    ('kafka', 'out', int, False),
    ('queueTrigger', 'in', func.QueueMessage, True),
    ('queueTrigger', 'in', str, False),
    ('queue', 'out', func.QueueMessage, True),
    ('queue', 'out', str, True),
    ('queue', 'out', bytes, True),
    ('queue', 'out', typing.List[str], True),
    ('queue', 'out', dict, False),
    ('serviceBusTrigger', 'in', func.ServiceBusMessage, True),
    ('serviceBusTrigger', 'in', typing.List[func.ServiceBusMessage], True),
    ('serviceBusTrigger', 'in', bytes, False),
    ('serviceBus', 'out', str, True),
    ('serviceBus', 'out', func.ServiceBusMessage, False),
    ('sql', 'in', func.SqlRowList, True),
    ('sql', 'in', func.SqlRow, False),
    ('sql', 'out', func.SqlRow, True),
    ('sql', 'out', func.SqlRowList, True),
    ('timerTrigger', 'in', func.TimerRequest, True),
    ('timerTrigger', 'in', _abc.TimerRequest, True),
    ('timerTrigger', 'in', dict, False),
    ('warmupTrigger', 'in', func.WarmUpContext, True),
    ('warmupTrigger', 'in', str, False),
    ('orchestrationTrigger', 'in', func.OrchestrationContext, True),
    ('orchestrationTrigger', 'in', str, False),
    ('orchestrationTrigger', 'out', dict, True),
    ('entityTrigger', 'in', func.EntityContext, True),
    ('entityTrigger', 'out', int, True),
    ('activityTrigger', 'in', dict, True),
    ('activityTrigger', 'out', list, True),
]


@pytest.mark.parametrize('binding, direction, annotation, answer',
                         ANNOTATIONS)
def test_annotation_checks(binding, direction, annotation, answer):
    conv = REG.get(binding)
    check = conv.check_input_type_annotation if direction == 'in' else \
        conv.check_output_type_annotation
    assert bool(check(annotation)) is answer


@pytest.mark.parametrize('binding, annotation', [
    # the public package raises TypeError for these (issubclass of a
    # generic alias) or answers False for builtin generics; pyfn answers
    ('blob', typing.List[str]),
    ('queueTrigger', typing.Optional[func.QueueMessage]),
    ('eventHubTrigger', list[func.EventHubEvent]),
])
def test_non_class_annotations_do_not_raise(binding, annotation):
    conv = REG.get(binding)
    assert isinstance(conv.check_input_type_annotation(annotation), bool)


def test_public_spelling_of_the_entity_converter():
    from azure.functions import durable_functions
    assert durable_functions.EnitityTriggerConverter is \
        REG.get('entityTrigger')
