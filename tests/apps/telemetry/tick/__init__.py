import logging

import azure.functions as func


def main(timer: func.TimerRequest, context: func.Context) -> None:
    logging.info("tick traceparent=%s", context.trace_context.Traceparent)
