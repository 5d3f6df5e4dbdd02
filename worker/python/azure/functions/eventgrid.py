"""Converters for the ``eventGridTrigger`` and ``eventGrid`` bindings."""

import json
import typing

from . import _eventgrid as azf_eventgrid
from . import _utils
from . import meta

__all__ = ('EventGridEventInConverter', 'EventGridEventOutConverter')


class EventGridEventInConverter(meta.InConverter, binding='eventGridTrigger',
                                trigger=True):

    @classmethod
    def check_input_type_annotation(cls, pytype: type) -> bool:
        return _utils.safe_issubclass(pytype, azf_eventgrid.EventGridEvent)

    @classmethod
    def decode(cls, data: meta.Datum, *, trigger_metadata=None) \
            -> azf_eventgrid.EventGridEvent:
        if data.type in ('json', 'string'):
            body = json.loads(data.value)
        elif data.type == 'bytes':
            body = json.loads(bytes(data.value).decode('utf-8'))
        else:
            raise _utils.unsupported_datum('eventGridTrigger', data.type,
                                           'json')
        if not isinstance(body, dict):
            raise ValueError('an Event Grid event is a JSON object, not '
                             f'{type(body).__name__}')
        if 'specversion' in body:
            # A CloudEvent (pyfn: the public package leaves these fields
            # None): source -> topic, type -> event_type, time -> event_time.
            return azf_eventgrid.EventGridEvent(
                id=body.get('id'),
                topic=body.get('source'),
                subject=body.get('subject'),
                event_type=body.get('type'),
                event_time=cls._parse_datetime(body.get('time')),
                data=body.get('data'),
                data_version=body.get('dataVersion'))
        return azf_eventgrid.EventGridEvent(
            id=body.get('id'),
            topic=body.get('topic'),
            subject=body.get('subject'),
            event_type=body.get('eventType'),
            event_time=cls._parse_datetime(body.get('eventTime')),
            data=body.get('data'),
            data_version=body.get('dataVersion'))


def _event_dict(ev: azf_eventgrid.EventGridOutputEvent) -> dict:
    return {
        'id': ev.id,
        'subject': ev.subject,
        'dataVersion': ev.data_version,
        'eventType': ev.event_type,
        'data': ev.get_json(),
        'eventTime': _utils.format_datetime(ev.event_time),
    }


class EventGridEventOutConverter(meta.OutConverter, binding='eventGrid'):

    @classmethod
    def check_output_type_annotation(cls, pytype: type) -> bool:
        out = azf_eventgrid.EventGridOutputEvent
        return (meta.is_iterable_type_annotation(pytype, str)
                or meta.is_iterable_type_annotation(pytype, out)
                or _utils.safe_issubclass(pytype, (str, bytes, out)))

    @classmethod
    def encode(cls, obj: typing.Any, *,
               expected_type: typing.Optional[type] = None) -> meta.Datum:
        kind, value = _utils.encode_messages(
            'eventGrid', obj, azf_eventgrid.EventGridOutputEvent, _event_dict,
            'str or EventGridOutputEvent list items',
            'str, bytes, EventGridOutputEvent or a list')
        return meta.Datum(type=kind, value=value)
