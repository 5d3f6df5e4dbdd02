"""Binding converters other than http: public conversion rules."""

import datetime
import io
import json
import typing

import pytest

import azure.functions as func
from azure.functions import meta

REG = meta.get_binding_registry()
UTC = datetime.timezone.utc


def S(v):
    return meta.Datum(v, 'string')


def J(v):
    return meta.Datum(json.dumps(v), 'json')


# --- blob ---------------------------------------------------------------

def test_blob_decode_without_metadata():
    conv = REG.get('blob')
    s = conv.decode(meta.Datum(b'abc', 'bytes'), trigger_metadata=None)
    assert isinstance(s, func.InputStream)
    assert s.read() == b'abc'
    assert s.name is None and s.length is None and s.uri is None
    s = conv.decode(S('héllo'), trigger_metadata={})
    assert s.read() == 'héllo'.encode()


def test_blob_trigger_decode_with_metadata():
    conv = REG.get('blobTrigger')
    md = {'BlobTrigger': S('samples/file.txt'),
          'Uri': S('https://acct.blob.core.windows.net/samples/file.txt'),
          'Properties': J({'Length': '11', 'ContentType': 'text/plain'}),
          'Metadata': J({'owner': 'me'})}
    s = conv.decode(meta.Datum(b'hello world', 'bytes'), trigger_metadata=md)
    assert s.name == 'samples/file.txt'
    assert s.uri.endswith('/samples/file.txt')
    assert s.length == 11
    assert s.blob_properties['ContentType'] == 'text/plain'
    assert s.metadata == {'owner': 'me'}
    assert s.read(5) == b'hello'
    assert s.read1(1) == b' '
    assert s.read() == b'world'


def test_blob_decode_with_pytype():
    conv = REG.get('blob')
    assert conv.decode(meta.Datum(b'ab', 'bytes'), trigger_metadata=None,
                       pytype=bytes) == b'ab'
    assert conv.decode(meta.Datum(b'ab', 'bytes'), trigger_metadata=None,
                       pytype=str) == 'ab'


def test_blob_decode_bad_type():
    with pytest.raises(TypeError) as ei:
        REG.get('blob').decode(meta.Datum(1, 'int'), trigger_metadata=None)
    assert 'blob' in str(ei.value)


def test_input_stream_io_flags():
    s = func.blob.InputStream(data=b'xyz', name='n', uri='u', length=3)
    assert s.readable()
    assert not s.seekable()
    assert not s.writable()
    assert s.read(-1) == b'xyz'
    assert s.read() == b''


@pytest.mark.parametrize('obj, expected', [
    ('text', meta.Datum('text', 'string')),
    (b'\x00\x01', meta.Datum(b'\x00\x01', 'bytes')),
    (bytearray(b'ab'), meta.Datum(b'ab', 'bytes')),
    (io.BytesIO(b'file'), meta.Datum(b'file', 'bytes')),
    (io.StringIO('sfile'), meta.Datum('sfile', 'string')),
    (func.blob.InputStream(data=b'in'), meta.Datum(b'in', 'bytes')),
])
def test_blob_encode(obj, expected):
    assert REG.get('blob').encode(obj, expected_type=None) == expected


def test_blob_encode_unsupported():
    with pytest.raises(TypeError) as ei:
        REG.get('blob').encode(12.5, expected_type=None)
    assert "'blob'" in str(ei.value) and 'float' in str(ei.value)


def test_blob_annotations():
    conv = REG.get('blob')
    for t in (func.InputStream, bytes, str):
        assert conv.check_input_type_annotation(t)
    assert not conv.check_input_type_annotation(int)
    for t in (str, bytes, bytearray, func.InputStream, io.BytesIO):
        assert conv.check_output_type_annotation(t)
    assert not conv.check_output_type_annotation(int)


# --- queue --------------------------------------------------------------

def test_queue_trigger_decode():
    md = {'Id': S('msg-1'), 'DequeueCount': meta.Datum(2, 'int'),
          'ExpirationTime': S('2024-01-02T03:04:05.1234567+00:00'),
          'InsertionTime': S('2024-01-01T03:04:05Z'),
          'NextVisibleTime': S('2024-01-01T03:14:05.5Z'),
          'PopReceipt': S('pr')}
    m = REG.get('queueTrigger').decode(S('{"a": 1}'), trigger_metadata=md)
    assert isinstance(m, func.QueueMessage)
    assert m.id == 'msg-1'
    assert m.get_body() == b'{"a": 1}'
    assert m.get_json() == {'a': 1}
    assert m.dequeue_count == 2
    assert m.expiration_time == datetime.datetime(2024, 1, 2, 3, 4, 5,
                                                  123456, tzinfo=UTC)
    assert m.insertion_time == datetime.datetime(2024, 1, 1, 3, 4, 5,
                                                 tzinfo=UTC)
    assert m.time_next_visible.microsecond == 500000
    assert m.pop_receipt == 'pr'


def test_queue_trigger_decode_bytes():
    m = REG.get('queueTrigger').decode(meta.Datum(b'\x01', 'bytes'),
                                       trigger_metadata={})
    assert m.get_body() == b'\x01'
    assert m.id is None


def test_queue_message_constructor():
    m = func.QueueMessage(id='1', body='héllo', pop_receipt='p')
    assert m.get_body() == 'héllo'.encode('utf-8')
    assert m.id == '1' and m.pop_receipt == 'p'
    assert m.dequeue_count is None and m.insertion_time is None
    assert m.expiration_time is None and m.time_next_visible is None
    assert func.QueueMessage().get_body() == b''
    with pytest.raises(TypeError):
        func.QueueMessage(body=1)
    with pytest.raises(ValueError):
        func.QueueMessage(body='nope').get_json()


def test_queue_output_encode_rules():
    conv = REG.get('queue')
    assert conv.encode('s', expected_type=None) == meta.Datum('s', 'string')
    assert conv.encode(b'b', expected_type=None) == meta.Datum(b'b', 'bytes')
    d = conv.encode(func.QueueMessage(id='i', body='b'), expected_type=None)
    assert d.type == 'json'
    assert json.loads(d.value) == {'id': 'i', 'body': 'b'}
    d = conv.encode(['a', func.QueueMessage(body='x')], expected_type=None)
    assert d.type == 'json'
    assert json.loads(d.value) == ['a', {'id': None, 'body': 'x'}]


@pytest.mark.parametrize('bad', [1, {'a': 1}, [1], 2.5])
def test_queue_output_unsupported(bad):
    with pytest.raises(TypeError) as ei:
        REG.get('queue').encode(bad, expected_type=None)
    assert "'queue'" in str(ei.value)


def test_queue_annotations():
    assert REG.get('queueTrigger').check_input_type_annotation(
        func.QueueMessage)
    assert not REG.get('queueTrigger').check_input_type_annotation(int)
    conv = REG.get('queue')
    for t in (str, bytes, func.QueueMessage, typing.List[str],
              typing.List[func.QueueMessage]):
        assert conv.check_output_type_annotation(t), t
    assert not conv.check_output_type_annotation(int)
    assert not conv.check_output_type_annotation(typing.List[int])


# --- timer --------------------------------------------------------------

def test_timer_decode():
    payload = {'Schedule': {'AdjustForDST': True},
               'ScheduleStatus': {'Last': '2024-01-01T00:00:00'},
               'IsPastDue': True}
    t = REG.get('timerTrigger').decode(J(payload), trigger_metadata={})
    assert isinstance(t, func.TimerRequest)
    assert t.past_due is True
    assert t.schedule == {'AdjustForDST': True}
    assert t.schedule_status == {'Last': '2024-01-01T00:00:00'}
    t = REG.get('timerTrigger').decode(J({}), trigger_metadata={})
    assert t.past_due is False
    assert t.schedule == {} and t.schedule_status == {}
    assert REG.get('timerTrigger').check_input_type_annotation(
        func.TimerRequest)


def test_timer_request_constructor():
    t = func.timer.TimerRequest(past_due=True)
    assert t.past_due and t.schedule == {}


# --- cosmos -------------------------------------------------------------

def test_cosmos_decode_and_encode():
    docs = REG.get('cosmosDBTrigger').decode(
        J([{'id': '1', 'v': 2}, None]), trigger_metadata={})
    assert isinstance(docs, func.DocumentList)
    assert docs[0]['id'] == '1' and docs[1] is None
    one = REG.get('cosmosDB').decode(S('{"id": "x"}'), trigger_metadata={})
    assert len(one) == 1 and one[0]['id'] == 'x'
    d = REG.get('cosmosDB').encode(func.Document.from_dict({'id': 'a'}),
                                   expected_type=None)
    assert json.loads(d.value) == [{'id': 'a'}]
    d = REG.get('cosmosDB').encode(
        func.DocumentList([func.Document(id='a'), func.Document(id='b')]),
        expected_type=None)
    assert json.loads(d.value) == [{'id': 'a'}, {'id': 'b'}]
    with pytest.raises(TypeError):
        REG.get('cosmosDB').encode([{'id': 'plain dict'}], expected_type=None)


def test_document_type():
    doc = func.Document.from_json('{"a": 1}')
    doc['b'] = 2
    assert doc['a'] == 1
    assert json.loads(doc.to_json()) == {'a': 1, 'b': 2}
    assert dict(doc) == {'a': 1, 'b': 2}


# --- event hub ----------------------------------------------------------

def test_eventhub_trigger_single():
    md = {'SystemProperties': J({'iothub-connection-device-id': 'dev1'}),
          'EnqueuedTimeUtc': S('2024-05-06T07:08:09.1234567Z'),
          'PartitionKey': S('pk'), 'SequenceNumber': meta.Datum(5, 'int'),
          'Offset': S('100')}
    ev = REG.get('eventHubTrigger').decode(S('{"x": 1}'), trigger_metadata=md)
    assert isinstance(ev, func.EventHubEvent)
    assert ev.get_body() == b'{"x": 1}'
    assert ev.partition_key == 'pk'
    assert ev.sequence_number == 5
    assert ev.offset == '100'
    assert ev.enqueued_time == datetime.datetime(2024, 5, 6, 7, 8, 9, 123456,
                                                 tzinfo=UTC)
    assert ev.iothub_metadata == {'connection-device-id': 'dev1'}
    assert ev.metadata['PartitionKey'] == 'pk'


def test_eventhub_trigger_many():
    md = {'SystemPropertiesArray': J([
        {'SequenceNumber': 1, 'PartitionKey': 'a',
         'EnqueuedTimeUtc': '2024-01-01T00:00:00Z', 'Offset': 10},
        {'SequenceNumber': 2, 'PartitionKey': 'b', 'Offset': 11}])}
    data = meta.Datum({'string': ['one', 'two']}, 'collection_string')
    evs = REG.get('eventHubTrigger').decode(data, trigger_metadata=md)
    assert [e.get_body() for e in evs] == [b'one', b'two']
    assert [e.sequence_number for e in evs] == [1, 2]
    assert evs[0].partition_key == 'a'
    assert evs[0].enqueued_time.tzinfo is UTC
    assert evs[1].offset == '11'


def test_eventhub_output():
    conv = REG.get('eventHub')
    assert conv.encode('s', expected_type=None) == meta.Datum('s', 'string')
    assert conv.encode(3, expected_type=None) == meta.Datum(3, 'int')
    assert json.loads(conv.encode(['a', 'b'], expected_type=None).value) == \
        ['a', 'b']
    assert conv.check_output_type_annotation(typing.List[str])
    with pytest.raises(TypeError):
        conv.encode(object(), expected_type=None)


# --- event grid ---------------------------------------------------------

def test_eventgrid_trigger_and_output():
    body = {'id': 'e1', 'topic': 't', 'subject': 's', 'eventType': 'et',
            'eventTime': '2024-01-01T00:00:00.0000001Z',
            'data': {'k': 'v'}, 'dataVersion': '1.0'}
    ev = REG.get('eventGridTrigger').decode(J(body), trigger_metadata={})
    assert isinstance(ev, func.EventGridEvent)
    assert (ev.id, ev.topic, ev.subject, ev.event_type, ev.data_version) == \
        ('e1', 't', 's', 'et', '1.0')
    assert ev.get_json() == {'k': 'v'}
    assert ev.event_time == datetime.datetime(2024, 1, 1, tzinfo=UTC)

    out = func.EventGridOutputEvent(
        id='o1', data={'a': 1}, subject='sub', event_type='type',
        event_time=datetime.datetime(2024, 1, 1, tzinfo=UTC),
        data_version='2.0')
    d = REG.get('eventGrid').encode(out, expected_type=None)
    assert json.loads(d.value) == {
        'id': 'o1', 'subject': 'sub', 'dataVersion': '2.0',
        'eventType': 'type', 'data': {'a': 1},
        'eventTime': '2024-01-01T00:00:00+00:00'}
    d = REG.get('eventGrid').encode([out, 'raw'], expected_type=None)
    assert len(json.loads(d.value)) == 2


# --- service bus --------------------------------------------------------

def test_servicebus_trigger_single():
    md = {'UserProperties': J({'p': 1}), 'MessageId': S('m1'),
          'ContentType': S('application/json'),
          'DeliveryCount': meta.Datum(3, 'int'),
          'EnqueuedTimeUtc': S('2024-01-01T00:00:00.1234567Z'),
          'ExpiresAtUtc': S('2024-01-02T00:00:00Z'),
          'TimeToLive': S('1.00:00:00'), 'SequenceNumber': meta.Datum(9, 'int'),
          'CorrelationId': S('c'), 'SessionId': S('sess')}
    m = REG.get('serviceBusTrigger').decode(S('hi'), trigger_metadata=md)
    assert isinstance(m, func.ServiceBusMessage)
    assert m.get_body() == b'hi'
    assert m.message_id == 'm1'
    assert m.content_type == 'application/json'
    assert m.delivery_count == 3
    assert m.enqueued_time_utc == datetime.datetime(2024, 1, 1, 0, 0, 0,
                                                    123456, tzinfo=UTC)
    assert m.expires_at_utc == m.expiration_time
    assert m.time_to_live == datetime.timedelta(days=1)
    assert m.sequence_number == 9
    assert m.user_properties == {'p': 1}
    assert m.correlation_id == 'c' and m.session_id == 'sess'
    assert m.metadata['MessageId'] == 'm1'
    assert m.label is None


def test_servicebus_trigger_many():
    md = {'UserPropertiesArray': J([{}, {'x': 1}]),
          'MessageIdArray': meta.Datum({'string': ['a', 'b']},
                                       'collection_string'),
          'SequenceNumberArray': meta.Datum({'sint64': [1, 2]},
                                            'collection_sint64')}
    data = meta.Datum({'bytes': [b'1', b'2']}, 'collection_bytes')
    msgs = REG.get('serviceBusTrigger').decode(data, trigger_metadata=md)
    assert [m.get_body() for m in msgs] == [b'1', b'2']
    assert [m.message_id for m in msgs] == ['a', 'b']
    assert [m.sequence_number for m in msgs] == [1, 2]
    assert msgs[1].user_properties == {'x': 1}


def test_servicebus_abstract_and_output():
    with pytest.raises(TypeError):
        func.ServiceBusMessage()
    conv = REG.get('serviceBus')
    assert conv.encode('x', expected_type=None) == meta.Datum('x', 'string')
    with pytest.raises(TypeError):
        conv.encode(1, expected_type=None)


# --- sql, kafka, durable, warmup -----------------------------------------

def test_sql_converter():
    rows = REG.get('sql').decode(J([{'a': 1}]), trigger_metadata=None)
    assert isinstance(rows, func.SqlRowList)
    assert rows[0]['a'] == 1
    d = REG.get('sql').encode(func.SqlRow.from_dict({'b': 2}),
                              expected_type=None)
    assert json.loads(d.value) == [{'b': 2}]


def test_kafka_trigger():
    md = {'Key': S('k'), 'Partition': meta.Datum(1, 'int'),
          'Offset': meta.Datum(5, 'int'), 'Topic': S('t'),
          'Timestamp': S('2024'), 'Headers': J([])}
    ev = REG.get('kafkaTrigger').decode(S('v'), trigger_metadata=md)
    assert isinstance(ev, func.KafkaEvent)
    assert (ev.get_body(), ev.key, ev.partition, ev.offset, ev.topic) == \
        (b'v', 'k', 1, 5, 't')


def test_durable_converters():
    ctx = REG.get('orchestrationTrigger').decode(S('{"a":1}'),
                                                 trigger_metadata=None)
    assert isinstance(ctx, func.OrchestrationContext)
    assert ctx.body == '{"a":1}'
    ent = REG.get('entityTrigger').decode(S('{}'), trigger_metadata=None)
    assert isinstance(ent, func.EntityContext)
    act = REG.get('activityTrigger')
    assert act.decode(S('{"n": 1}'), trigger_metadata=None) == {'n': 1}
    assert act.decode(S('plain'), trigger_metadata=None) == 'plain'
    assert act.encode({'r': [1]}, expected_type=None) == \
        meta.Datum('{"r": [1]}', 'json')
    with pytest.raises(TypeError):
        act.encode(object(), expected_type=None)


def test_warmup():
    w = REG.get('warmupTrigger').decode(S(''), trigger_metadata=None)
    assert isinstance(w, func.WarmUpContext)
