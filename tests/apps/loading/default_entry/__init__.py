import azure.functions as func


def main(req: func.HttpRequest) -> func.HttpResponse:
    """L2: default entry point. Answers 'L2 default entry main'."""
    return func.HttpResponse("L2 default entry main")
