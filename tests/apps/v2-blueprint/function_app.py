"""v2-blueprint: functions split over Blueprints registered on the app (app auth level ANONYMOUS,
which the blueprints' routes inherit).
- GET /api/app -> 200 "from app" (declared on the app itself)
- GET /api/bp/hello?name=Ada -> 200 "Hello, Ada. (blueprint)" (blueprints/greetings.py,
  register_functions)
- GET /api/bp/info -> 200 JSON {"module": "blueprints.greetings", "helper": "shared helper"}
- GET /api/other -> 200 "from other_bp" (other_bp.py, register_blueprint; function_name "OtherBp")
- `bp_timer` (blueprint timer, schedule "0 0 0 1 1 *", run_on_startup=True): logs "v2 blueprint timer ran".
"""
import azure.functions as func

from blueprints.greetings import bp as greetings_bp
from other_bp import other

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="app")
def from_app(req: func.HttpRequest) -> str:
    return "from app"


app.register_functions(greetings_bp)
app.register_blueprint(other)
