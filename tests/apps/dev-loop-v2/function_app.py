"""Decorator model under the dev loop: the tests edit this file while the host runs
(tests/dev-loop.bats)."""
import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="greet")
def greet(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("greet v1")
