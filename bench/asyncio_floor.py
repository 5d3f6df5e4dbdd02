"""The floor of the async sleep row: a bare HTTP/1.1 server on asyncio, no pyfn.

    asyncio_floor.py [--uvloop] [--sleep SECONDS]

Serves every request with "200 ok" after `await asyncio.sleep(SECONDS)` (default
0.020, what bench/apps/concurrency's sleep_async awaits), on one event loop in one
process: no host, no gRPC, no second process. Under the same wrk load it gives the
rate CPython's event loop itself reaches on this machine, the bound any runtime that
runs the function on that loop stays under. Keep-alive, requests answered in order
one at a time per connection (as pyfn-host does). Prints the port it listens on
(127.0.0.1, chosen by the kernel) as its first line; runs until killed.
--uvloop runs on uvloop (importable from PYTHONPATH).
"""
import argparse
import asyncio

RESPONSE = (b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"
            b"Content-Length: 2\r\n\r\nok")


class Connection(asyncio.Protocol):
    def __init__(self, delay):
        self.delay = delay
        self.buffer = b""
        self.waiting = 0  # requests read and not yet answered
        self.transport = None

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            self.buffer = self.buffer[end + 4:]
            self.waiting += 1
            if self.waiting == 1:
                asyncio.get_running_loop().create_task(self.answer())

    async def answer(self):
        while self.waiting and not self.transport.is_closing():
            await asyncio.sleep(self.delay)
            if self.transport.is_closing():
                return
            self.transport.write(RESPONSE)
            self.waiting -= 1


async def serve(delay):
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: Connection(delay), "127.0.0.1", 0,
                                      backlog=1024)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--uvloop", action="store_true")
    p.add_argument("--sleep", type=float, default=0.020)
    a = p.parse_args()
    new_loop = asyncio.new_event_loop
    if a.uvloop:
        import uvloop
        new_loop = uvloop.new_event_loop
    loop = new_loop()
    try:
        loop.run_until_complete(serve(a.sleep))
    except KeyboardInterrupt:
        pass
    finally:
        loop.close()


if __name__ == "__main__":
    main()
