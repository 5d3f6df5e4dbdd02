import azure.functions as func


def main(req: func.HttpRequest) -> func.HttpResponse:
    raise ValueError("telemetry test failure")
