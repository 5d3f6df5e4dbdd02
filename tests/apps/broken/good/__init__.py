import azure.functions as func


def main(req: func.HttpRequest) -> func.HttpResponse:
    """L8: the other functions of the app still run. Answers 'good still runs'."""
    return func.HttpResponse("good still runs")
