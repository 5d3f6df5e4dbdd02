import logging

import azure.functions as func


def main(timer: func.TimerRequest, context: func.Context) -> None:
    attempt = context.retry_context.retry_count
    if attempt < 2:
        raise RuntimeError(f"retried attempt {attempt} fails (max {context.retry_context.max_retry_count})")
    logging.info("retried attempt %d ok", attempt)
