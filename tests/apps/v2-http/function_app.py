"""v2-http: HTTP functions in the decorator model (app auth level ANONYMOUS).
- GET|POST /api/hello?name=Ada or JSON body {"name": "Ada"} -> 200 "Hello, Ada."; no name -> 400 "name?"
- GET /api/items/42/extra -> 200 JSON {"id": "42", "rest": "extra"}; /api/items/42 -> {"id": "42", "rest": null};
  /api/items/abc -> 404 (route constraint {id:int})
- GET /api/Renamed -> 200 "renamed" (function_name sets the name; route defaults to it)
- GET /api/custom -> 201 "custom out" with header X-Out: res (trigger arg `request`, output `res`)
- POST /api/only-post -> 200 "posted"; GET /api/only-post -> not routed (404)
- GET /api/async -> 200 "async ok" (async def)
- GET /api/context -> 200 "with_context" (context.function_name)
- GET /api/plain -> 200 "plain text" (returns a str)
- GET /api/teapot -> 418 "short and stout", header X-Pyfn: v2, content type text/html
"""
import json

import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="hello", methods=["GET", "POST"])
def hello(req: func.HttpRequest) -> func.HttpResponse:
    name = req.params.get("name")
    if not name:
        try:
            name = req.get_json().get("name")
        except ValueError:
            name = None
    if not name:
        return func.HttpResponse("name?", status_code=400)
    return func.HttpResponse(f"Hello, {name}.")


@app.route(route="items/{id:int}/{rest?}", methods=[func.HttpMethod.GET])
def items(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse(
        json.dumps({"id": req.route_params.get("id"),
                    "rest": req.route_params.get("rest")}),
        mimetype="application/json")


@app.function_name("Renamed")
@app.route()
def python_name_is_not_the_function_name(req: func.HttpRequest) -> str:
    return "renamed"


@app.route(route="custom", trigger_arg_name="request", binding_arg_name="res")
def custom(request: func.HttpRequest, res: func.Out[func.HttpResponse]) -> None:
    res.set(func.HttpResponse("custom out", status_code=201,
                              headers={"X-Out": "res"}))


@app.route(route="only-post", methods=["POST"])
def only_post(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("posted")


@app.route(route="async")
async def async_hello(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("async ok")


@app.route(route="context")
def with_context(req: func.HttpRequest, context: func.Context) -> str:
    return context.function_name


@app.route(route="plain")
def plain(req: func.HttpRequest) -> str:
    return "plain text"


@app.route(route="teapot")
def teapot(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("short and stout", status_code=418,
                             headers={"X-Pyfn": "v2"}, mimetype="text/html")
