"""The smallest useful function: the benchmark's unit of per-invocation cost."""
import azure.functions as func


def main(req: func.HttpRequest) -> str:
    return "ok"
