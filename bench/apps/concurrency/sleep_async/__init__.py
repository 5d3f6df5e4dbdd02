"""Awaits 20 ms on the event loop: N connections can reach N / 0.020 s (up to the host's ceiling)."""
import asyncio

import azure.functions as func


async def main(req: func.HttpRequest) -> str:
    await asyncio.sleep(0.020)
    return "ok"
