import json
import time

import azure.functions as func
from shared_code import native

PRELOADED = native.preload()

import google.protobuf  # noqa: E402
import grpc  # noqa: E402
from concurrent import futures  # noqa: E402

SERVICE = "/pyfn.test.Echo/Say"


def _say(request: bytes, context) -> bytes:
    delay = float(request.split(b"|", 1)[0] or 0)
    time.sleep(delay)
    return b"echo:" + request.split(b"|", 1)[1]


def main(req: func.HttpRequest) -> func.HttpResponse:
    """P2: a gRPC server and client inside the function; answers JSON with the reply."""
    delay = req.params.get("delay", "0")
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    handler = grpc.method_handlers_generic_handler("pyfn.test.Echo", {
        "Say": grpc.unary_unary_rpc_method_handler(_say),
    })
    server.add_generic_rpc_handlers((handler,))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        with grpc.insecure_channel("127.0.0.1:%d" % port) as channel:
            call = channel.unary_unary(SERVICE)
            reply = call(("%s|hello" % delay).encode(), timeout=30)
    finally:
        server.stop(None)
    return func.HttpResponse(json.dumps({
        "reply": reply.decode(),
        "grpc_version": grpc.__version__,
        "grpc_file": grpc.__file__,
        "protobuf_version": google.protobuf.__version__,
        "protobuf_file": google.protobuf.__file__,
        "preloaded": len(PRELOADED),
    }), mimetype="application/json")
