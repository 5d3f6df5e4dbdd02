import azure.functions as func
import pyfn_missing_dependency  # noqa: F401  (P5: nobody ships this module)


def main(req: func.HttpRequest) -> func.HttpResponse:
    """P5: never loads: ModuleNotFoundError for pyfn_missing_dependency."""
    return func.HttpResponse("unreachable")
