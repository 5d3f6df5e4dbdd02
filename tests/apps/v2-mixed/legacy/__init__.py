"""A function.json-model function beside function_app.py: never loaded (see ../function_app.py)."""
import logging


def main(req) -> str:
    logging.info("legacy function ran")
    return "legacy function ran"
