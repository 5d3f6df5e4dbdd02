"""An async function that returns at once: the most the async path can answer
(the sleep_async row's own ceiling, without the 20 ms wait)."""
import azure.functions as func


async def main(req: func.HttpRequest) -> str:
    return "ok"
