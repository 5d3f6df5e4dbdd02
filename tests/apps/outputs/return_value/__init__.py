import azure.functions as func


def main(req: func.HttpRequest) -> func.HttpResponse:
    """B4: the return value goes to the $return output: answers 'from $return'."""
    return func.HttpResponse("from $return")
