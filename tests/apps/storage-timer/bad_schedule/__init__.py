import json
import logging

import azure.functions as func


def main(timer: func.TimerRequest) -> None:
    logging.info("%s past_due=%s status=%s", "bad_schedule", timer.past_due,
                 json.dumps(timer.schedule_status, sort_keys=True))
