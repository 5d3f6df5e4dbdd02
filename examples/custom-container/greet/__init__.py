import azure.functions as func
import greeting


def main(req: func.HttpRequest) -> func.HttpResponse:
    """Answers with greeting.greet(name) and where the greeting package was loaded from."""
    name = req.params.get("name", "world")
    return func.HttpResponse(f"{greeting.greet(name)} (greeting {greeting.__version__} from {greeting.__file__})")
