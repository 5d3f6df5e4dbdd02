import azure.functions as func


def main(msg: str, done: func.Out[str]) -> None:
    done.set(f"{type(msg).__name__}:{msg}")
