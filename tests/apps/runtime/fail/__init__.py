import azure.functions as func


def helper_that_raises():
    raise ValueError("pyfn-boom-marker")


def main(req: func.HttpRequest) -> func.HttpResponse:
    """R6: raises ValueError('pyfn-boom-marker'): the host answers 500, logs the traceback."""
    helper_that_raises()
