"""v2-generic: generic_trigger / generic_input_binding / generic_output_binding (no storage needed).
- GET /api/generic/Ada -> 200 "generic hello Ada" (generic httpTrigger `req` + generic http output
  `$return`; route, methods and authLevel given as binding fields).
- GET /api/generic-out -> 200 "generic named out" (generic http output named `res`, set through Out).
- `generic_timer` (generic timerTrigger, schedule "0 0 0 1 1 *", runOnStartup true): logs
  "v2 generic timer ran" once at host start.
- GET /api/generic-state -> 200 JSON {"timer_runs": 1} once the startup run happened.
"""
import json
import logging

import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.FUNCTION)

state = {"timer_runs": 0}


@app.generic_trigger(arg_name="req", type="httpTrigger",
                     route="generic/{name}", methods=["GET"],
                     auth_level="anonymous")
@app.generic_output_binding(arg_name="$return", type="http")
def generic_hello(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse(f"generic hello {req.route_params['name']}")


@app.generic_trigger(arg_name="req", type="httpTrigger", route="generic-out",
                     auth_level="anonymous")
@app.generic_output_binding(arg_name="res", type="http")
def generic_out(req: func.HttpRequest,
                res: func.Out[func.HttpResponse]) -> None:
    res.set(func.HttpResponse("generic named out"))


@app.generic_trigger(arg_name="timer", type="timerTrigger",
                     schedule="0 0 0 1 1 *", run_on_startup=True,
                     use_monitor=False)
def generic_timer(timer: func.TimerRequest) -> None:
    state["timer_runs"] += 1
    logging.info("v2 generic timer ran")


@app.route(route="generic-state", auth_level=func.AuthLevel.ANONYMOUS)
def generic_state(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse(json.dumps(state), mimetype="application/json")
