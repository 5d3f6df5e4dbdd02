import json
import os
import sys

# The fetched protobuf may carry a C extension built for another Python: use its pure-Python
# implementation (must be set before google.protobuf is imported).
os.environ["PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION"] = "python"

import azure.functions as func  # noqa: E402
import google.protobuf  # noqa: E402
import grpc  # noqa: E402
from google.protobuf import struct_pb2  # noqa: E402
from google.protobuf.internal import api_implementation  # noqa: E402


def main(req: func.HttpRequest) -> func.HttpResponse:
    """P2: answers the app's own protobuf/grpc versions and files as JSON."""
    msg = struct_pb2.Struct()
    msg["answer"] = 42
    return func.HttpResponse(json.dumps({
        "protobuf_version": google.protobuf.__version__,
        "protobuf_file": google.protobuf.__file__,
        "protobuf_impl": api_implementation.Type(),
        "serialized": msg.SerializeToString().hex(),
        "grpc_version": getattr(grpc, "__version__", None),
        "grpc_file": grpc.__file__,
        "sys_path": sys.path,
        "isolate": os.environ.get("PYTHON_ISOLATE_WORKER_DEPENDENCIES"),
    }), mimetype="application/json")
