"""v2-timer: timer triggers in the decorator model (no storage needed).
- `tick` (timer_trigger "*/2 * * * * *", use_monitor=False): logs "v2 tick <n> past_due=<bool>" every 2 s.
- `startup_once` (schedule "0 0 0 1 1 *", run_on_startup=True): runs once at host start, logs
  "v2 startup_once ran".
- `flaky` (hourly, run_on_startup=True, retry fixed_delay max 2 every 00:00:01): raises on attempts
  0 and 1 ("v2 flaky attempt <k> failing"), succeeds on attempt 2 ("v2 flaky attempt 2 ok").
  The retry metadata is {"strategy": "fixed_delay", "max_retry_count": "2", "delay_interval": "00:00:01"}.
- GET /api/ticks -> 200 JSON {"ticks": n, "startup_once": 1, "flaky_attempts": [0, 1, 2]} (counts in
  this worker process; ticks >= 1 after ~3 s; flaky_attempts as far as retries have run).
"""
import json
import logging

import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

state = {"ticks": 0, "startup_once": 0, "flaky_attempts": []}


@app.timer_trigger(schedule="*/2 * * * * *", arg_name="timer",
                   use_monitor=False)
def tick(timer: func.TimerRequest) -> None:
    state["ticks"] += 1
    logging.info("v2 tick %d past_due=%s", state["ticks"], timer.past_due)


@app.schedule(schedule="0 0 0 1 1 *", arg_name="timer", run_on_startup=True,
              use_monitor=False)
def startup_once(timer: func.TimerRequest) -> None:
    state["startup_once"] += 1
    logging.info("v2 startup_once ran")


@app.timer_trigger(schedule="0 0 * * * *", arg_name="timer",
                   run_on_startup=True, use_monitor=False)
@app.retry(strategy="fixed_delay", max_retry_count="2",
           delay_interval="00:00:01")
def flaky(timer: func.TimerRequest, context: func.Context) -> None:
    attempt = context.retry_context.retry_count if context.retry_context \
        else 0
    state["flaky_attempts"].append(attempt)
    if attempt < 2:
        logging.warning("v2 flaky attempt %d failing", attempt)
        raise RuntimeError(f"v2 flaky attempt {attempt} fails on purpose")
    logging.info("v2 flaky attempt %d ok", attempt)


@app.route(route="ticks", methods=["GET"])
def ticks(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse(json.dumps(state), mimetype="application/json")
