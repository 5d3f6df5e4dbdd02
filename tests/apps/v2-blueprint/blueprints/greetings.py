"""A blueprint in a package: /api/bp/hello, /api/bp/info and a startup timer."""
import json
import logging

import azure.functions as func

from .helpers import helper_text

bp = func.Blueprint()


@bp.route(route="bp/hello", methods=["GET"])
def bp_hello(req: func.HttpRequest) -> func.HttpResponse:
    name = req.params.get("name", "nobody")
    return func.HttpResponse(f"Hello, {name}. (blueprint)")


@bp.route(route="bp/info")
def bp_info(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse(
        json.dumps({"module": __name__, "helper": helper_text()}),
        mimetype="application/json")


@bp.schedule(schedule="0 0 0 1 1 *", arg_name="timer", run_on_startup=True,
             use_monitor=False)
def bp_timer(timer: func.TimerRequest) -> None:
    logging.info("v2 blueprint timer ran")
