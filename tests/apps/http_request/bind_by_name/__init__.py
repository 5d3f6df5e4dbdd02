import azure.functions as func


def main(context: func.Context, request: func.HttpRequest) -> func.HttpResponse:
    """B1: parameters bind by name. Answers '<context.function_name> got <request.params[who]>'."""
    return func.HttpResponse("%s got %s" % (context.function_name, request.params.get("who")))
