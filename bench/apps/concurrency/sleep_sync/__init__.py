"""Blocks a pool thread for 20 ms: throughput is bounded by PYTHON_THREADPOOL_THREAD_COUNT / 0.020 s."""
import time

import azure.functions as func


def main(req: func.HttpRequest) -> str:
    time.sleep(0.020)
    return "ok"
