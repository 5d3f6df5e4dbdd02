"""Script of the function shared_script (L3: scriptFile ../shared/x.py, entryPoint run)."""
import azure.functions as func


def run(req: func.HttpRequest) -> func.HttpResponse:
    """Answers 'L3 shared script run'."""
    return func.HttpResponse("L3 shared script run")


def main(req):
    """Must not be called: entryPoint is run."""
    return func.HttpResponse("wrong entry point main", status_code=500)
