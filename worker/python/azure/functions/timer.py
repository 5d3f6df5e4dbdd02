"""Converter for the ``timerTrigger`` binding."""

import json

from . import _abc
from . import _utils
from . import meta
from ._timer import TimerRequest

__all__ = ('TimerRequest', 'TimerRequestConverter')


class TimerRequestConverter(meta.InConverter, binding='timerTrigger',
                            trigger=True):

    @classmethod
    def check_input_type_annotation(cls, pytype: type) -> bool:
        return _utils.safe_issubclass(pytype, _abc.TimerRequest)

    @classmethod
    def decode(cls, data: meta.Datum, *, trigger_metadata=None) -> TimerRequest:
        if data is None or data.type is None or data.value in (None, ''):
            return TimerRequest()
        if data.type in ('json', 'string'):
            info = json.loads(data.value)
        elif data.type == 'bytes':
            info = json.loads(bytes(data.value).decode('utf-8'))
        else:
            raise _utils.unsupported_datum('timerTrigger', data.type, 'json')
        if not isinstance(info, dict):
            info = {}
        # As the public package: a null or missing ScheduleStatus/Schedule is
        # {} (a timer's first run has no status yet); IsPastDue as sent,
        # False when missing.
        return TimerRequest(
            past_due=info.get('IsPastDue', False),
            schedule_status=info.get('ScheduleStatus') or {},
            schedule=info.get('Schedule') or {})
