import datetime
import os

import azure.functions as func

REPLICA = os.environ.get("PYFN_REPLICA", "?")


def main(timer: func.TimerRequest, ticks: func.Out[str]) -> None:
    # The occurrence this run belongs to: the schedule status' "Next" is the one
    # being run (a past-due run after a lock handover names the missed occurrence).
    status = timer.schedule_status or {}
    text = status["Next"]  # "2026-12-05T22:01:04.0000000+00:00"
    local = datetime.datetime.strptime(text[:19], "%Y-%m-%dT%H:%M:%S")
    sign = -1 if text[-6] == "-" else 1
    offset = datetime.timedelta(hours=int(text[-5:-3]), minutes=int(text[-2:])) * sign
    occurrence = (local - offset).replace(tzinfo=datetime.timezone.utc).timestamp()
    ticks.set(f"{int(occurrence)} {REPLICA} {'pastdue' if timer.past_due else 'ontime'}")
