from http import HTTPStatus

import azure.functions as func


def main(req: func.HttpRequest) -> func.HttpResponse:
    """B3: status_code given as HTTPStatus.ACCEPTED: answers 202 'accepted'."""
    return func.HttpResponse("accepted", status_code=HTTPStatus.ACCEPTED)
