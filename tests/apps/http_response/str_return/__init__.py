import azure.functions as func


def main(req: func.HttpRequest) -> str:
    """B3: a plain str return value: answers 200 'plain str return'."""
    return "plain str return"
