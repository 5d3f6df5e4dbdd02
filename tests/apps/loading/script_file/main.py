import azure.functions as func


def customentry(req: func.HttpRequest) -> func.HttpResponse:
    """L3: scriptFile main.py, entryPoint customentry. Answers 'L3 main.py customentry'."""
    return func.HttpResponse("L3 main.py customentry")


def main(req):
    """Must not be called: entryPoint is customentry."""
    return func.HttpResponse("wrong entry point main", status_code=500)
