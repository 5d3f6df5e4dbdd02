#!/usr/bin/env python3
"""Worker-side cost of one invocation, stage by stage, without gRPC.

Drives pyfn_worker.dispatcher.Dispatcher in-process (a fake `send`, the real loader,
bindings and azure.functions) on the bench app and times, per invocation:
  decode  - TypedData dicts -> Python arguments (HttpRequest)   (Dispatcher._bind)
  call    - the user function plus the thread-pool hop          (remainder)
  encode  - return value -> TypedData dicts                     (Dispatcher._response)
  total   - Dispatcher.invoke end to end (the old route: loop -> pool -> loop)
  fast_total - Dispatcher.handle -> pool thread -> send, one at a time (the sync fast
           path the worker takes unless PYFN_SYNC_FAST_PATH=0; includes the thread wake-up)
Prints one JSON object: microseconds per invocation for each stage and function.
The C++ side (protobuf <-> dict, gRPC) is measured separately by bench/profile.sh.
"""
import asyncio
import json
import os
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "worker", "python"))
APP = os.path.join(ROOT, "bench", "apps", "hello")

os.environ.setdefault("PYTHON_ENABLE_WORKER_EXTENSIONS", "0")
os.environ["AzureWebJobsScriptRoot"] = APP

from pyfn_worker import dispatcher, logs  # noqa: E402

HTTP_IN = json.dumps({"type": "httpTrigger", "direction": "in", "name": "req",
                      "authLevel": "anonymous"})
HTTP_RET = json.dumps({"type": "http", "direction": "out", "name": "$return"})
ECHO_BODY = json.dumps({"pad": "x" * 1004, "n": 1}).encode()


def http_request(fid, inv, body, method):
    return {"invocation_id": inv, "function_id": fid, "input_data": [
        {"name": "req", "data": {"http": {
            "method": method, "url": "http://127.0.0.1:7071/api/" + fid,
            "headers": {"content-type": "application/json", "host": "127.0.0.1:7071",
                        "user-agent": "wrk", "accept": "*/*"},
            "query": {}, "params": {}, "body": {"bytes": body}}}}],
        "trace_context": {"trace_parent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                          "trace_state": "", "attributes": {}}}


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    sent = []
    answered = threading.Semaphore(0)

    def send(*m):
        if m[0] == "invocation_response":
            answered.release()
        else:
            sent.append(m)

    loop = asyncio.new_event_loop()
    d = dispatcher.Dispatcher(send, worker_id="bench", loop=loop)
    logs.install(d.send, "bench", capture_stdio=False)

    def ask(kind, payload):
        async def go():
            d.handle(kind, "r", payload)
            await d.drain()
        loop.run_until_complete(go())

    ask("worker_init_request", {"function_app_directory": APP})
    for name in ("hello", "echo"):
        ask("function_load_request", {"function_id": name, "metadata": {
            "name": name, "directory": os.path.join(APP, name),
            "script_file": os.path.join(APP, name, "__init__.py"),
            "raw_bindings": [HTTP_IN, HTTP_RET]}})

    stages = {"decode": 0.0, "encode": 0.0}
    bind, respond = d._bind, d._response

    def timed_bind(*a):
        t = time.perf_counter()
        try:
            return bind(*a)
        finally:
            stages["decode"] += time.perf_counter() - t

    def timed_response(*a):
        t = time.perf_counter()
        try:
            return respond(*a)
        finally:
            stages["encode"] += time.perf_counter() - t

    d._bind, d._response = timed_bind, timed_response
    results = {}
    for fid, body, method in (("hello", b"", "GET"), ("echo", ECHO_BODY, "POST")):
        reqs = [http_request(fid, "inv-%d" % i, body, method) for i in range(n)]
        for r in reqs[:200]:  # warm-up
            loop.run_until_complete(d.invoke(r))
        stages.update(decode=0.0, encode=0.0)
        t0 = time.perf_counter()
        for r in reqs:
            resp = loop.run_until_complete(d.invoke(r))
            assert resp["result"]["status"] == 1, resp
        total = time.perf_counter() - t0
        us = lambda s: round(s / n * 1e6, 1)  # noqa: E731
        results[fid] = {"total_us": us(total), "decode_us": us(stages["decode"]),
                        "encode_us": us(stages["encode"]),
                        "call_and_pool_hop_us": us(total - stages["decode"] - stages["encode"])}
        if hasattr(d, "invoke_sync"):
            t0 = time.perf_counter()
            for r in reqs:
                d.handle("invocation_request", "r", r)
                answered.acquire()
            results[fid]["fast_total_us"] = us(time.perf_counter() - t0)
    results["invocations"] = n
    d.pool.shutdown(wait=True)
    loop.close()
    print(json.dumps(results))


if __name__ == "__main__":
    main()
