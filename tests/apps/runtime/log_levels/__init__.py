import logging

import azure.functions as func


def main(req: func.HttpRequest, context: func.Context) -> func.HttpResponse:
    """R1: logs a marker at every level, plus print; answers context.invocation_id."""
    logging.critical("pyfn-critical-marker")
    logging.error("pyfn-error-marker")
    logging.warning("pyfn-warning-marker")
    logging.info("pyfn-info-marker")
    logging.debug("pyfn-debug-marker")
    logging.getLogger("my.module").info("pyfn-named-logger-marker")
    print("pyfn-print-marker")
    return func.HttpResponse(context.invocation_id)
