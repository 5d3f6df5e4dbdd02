import azure.functions as func


def main(req: func.HttpRequest) -> None:
    """B3: returns None, the http output stays unset: answers 204 with no body."""
    return None
