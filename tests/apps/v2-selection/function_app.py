"""v2-selection: host.json `functions` in the decorator model (tests/function-selection.bats).

Twin of tests/apps/selection. host.json selects `hello` and `missing_fn` (no such function).
- `hello`: GET /api/hello -> 200 "v2 selection hello"
- `other`: GET /api/other -> 200 "v2 selection other"
- `tick` (timer every second, run_on_startup, use_monitor False): logs "v2 selection tick ran"
"""
import logging

import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="hello", methods=["GET"])
def hello(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("v2 selection hello")


@app.route(route="other", methods=["GET"])
def other(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("v2 selection other")


@app.timer_trigger(schedule="* * * * * *", arg_name="timer", run_on_startup=True,
                   use_monitor=False)
def tick(timer: func.TimerRequest) -> None:
    logging.info("v2 selection tick ran")
