import azure.functions as func


def main(src: str) -> None:
    raise RuntimeError(f"always_fails on {src!r}")
