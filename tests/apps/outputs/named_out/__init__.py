import azure.functions as func


def main(req: func.HttpRequest, res: func.Out[func.HttpResponse]) -> None:
    """B4: a named http output set with Out.set(): answers 201 'from named out'."""
    res.set(func.HttpResponse("from named out", status_code=201))
