import azure.functions as func
import pyfn_wheel_dep


def main(req: func.HttpRequest) -> func.HttpResponse:
    """I3: answers 'pyfn-wheel-dep <version> from <module file>'."""
    return func.HttpResponse("pyfn-wheel-dep %s from %s" % (pyfn_wheel_dep.__version__,
                                                            pyfn_wheel_dep.__file__))
