import http.cookies
import json

import azure.functions as func


def _err(e):
    return type(e).__name__


def main(req: func.HttpRequest) -> func.HttpResponse:
    """Touches every part of the request the worker converts; answers 200 with a JSON summary
    of lengths and exception names (never echoes what was sent). A field ending in `_error`
    names an exception the library raised on that part (garbage is allowed to raise)."""
    s = {"method": req.method, "url_len": len(req.url)}
    s["params"] = sum(len(k) + len(v) for k, v in req.params.items())
    s["route"] = {k: len(v or "") for k, v in req.route_params.items()}
    n = 0
    for k in req.headers:
        n += len(k) + len(req.headers[k])
    s["headers"] = [len(req.headers), n]
    cookie = req.headers.get("cookie")
    if cookie is not None:
        try:
            c = http.cookies.SimpleCookie()
            c.load(cookie)
            s["cookies"] = len(c)
        except Exception as e:
            s["cookies_error"] = _err(e)
    body = req.get_body()
    s["body"] = len(body)
    try:
        j = req.get_json()
        s["json"] = type(j).__name__
    except ValueError as e:
        s["json_error"] = _err(e)
    try:
        form = req.form
        s["form"] = sum(len(k) + sum(len(v) for v in form.getlist(k)) for k in form)
        files = req.files
        s["files"] = [[len(f.filename or ""), len(f.read())]
                      for k in files for f in files.getlist(k)]
    except Exception as e:
        s["form_error"] = _err(e)
    return func.HttpResponse(json.dumps(s), mimetype="application/json")
