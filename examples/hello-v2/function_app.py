"""hello-v2: what `func init --python` + `func new --template "HTTP trigger" --name hello`
give in the decorator (v2) model. GET/POST /api/hello?name=Ada (or JSON body {"name": "Ada"})
answers 200 "Hello, Ada."; without a name, 200 with a hint."""
import logging

import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="hello")
def hello(req: func.HttpRequest) -> func.HttpResponse:
    logging.info('Python HTTP trigger function processed a request.')

    name = req.params.get('name')
    if not name:
        try:
            req_body = req.get_json()
        except ValueError:
            pass
        else:
            name = req_body.get('name')

    if name:
        return func.HttpResponse(f"Hello, {name}.")
    return func.HttpResponse(
        "Pass a name in the query string or in the request body for a "
        "personalized response.",
        status_code=200)
