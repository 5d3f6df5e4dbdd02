"""v2-mixed: a decorator-model function_app.py next to a function.json folder (`legacy/`).
As on Azure (worker indexing: the host takes the worker's functions and does not read
function.json folders once function_app.py indexed), only the decorator functions exist:
- GET /api/decorated -> 200 "from function_app.py"
- GET /api/legacy -> 404 (legacy/function.json is ignored; "legacy function ran" never appears)
"""
import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="decorated")
def decorated(req: func.HttpRequest) -> str:
    return "from function_app.py"
