"""TimerRequest: the payload of a timer trigger."""

import typing

from . import _abc

__all__ = ('TimerRequest',)


class TimerRequest(_abc.TimerRequest):

    def __init__(self, *, past_due: bool = False,
                 schedule_status: typing.Optional[dict] = None,
                 schedule: typing.Optional[dict] = None) -> None:
        # As given (the public package does not coerce it either).
        self.__past_due = past_due
        self.__schedule_status = schedule_status or {}
        self.__schedule = schedule or {}

    @property
    def past_due(self) -> bool:
        return self.__past_due

    @property
    def schedule_status(self) -> dict:
        return self.__schedule_status

    @property
    def schedule(self) -> dict:
        return self.__schedule

    def __repr__(self) -> str:
        return f'<azure.functions.TimerRequest past_due={self.__past_due}>'
