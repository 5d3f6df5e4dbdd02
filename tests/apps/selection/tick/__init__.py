"""Every second (and at start): logs "selection tick ran" (when host.json "functions" selects it)."""
import logging

import azure.functions as func


def main(timer: func.TimerRequest) -> None:
    logging.info("selection tick ran")
