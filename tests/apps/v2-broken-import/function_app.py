"""v2-broken-import: importing this file fails at line 14 with
ModuleNotFoundError: No module named 'pyfn_v2_missing_module'. The worker must report the error
naming function_app.py, line 14 and the traceback; the host stays up (/admin/host/status answers)
and no function of this file is served (GET /api/never -> not 200, never "never served").
"""
import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

# Everything above imports fine; the import below (line 14) does not.
# Keep it on line 14: the tests look for "function_app.py", line 14.


import pyfn_v2_missing_module  # noqa: E402,F401


@app.route(route="never")
def never(req: func.HttpRequest) -> str:
    return "never served"
