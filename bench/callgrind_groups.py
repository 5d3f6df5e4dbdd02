#!/usr/bin/env python3
"""Reads `callgrind_annotate --inclusive=yes` on stdin; prints instructions per request
for each component of one side (host or worker) as a JSON object.

Inclusive costs overlap (a caller includes its callees), so each group is the largest
inclusive cost among the functions matching it, a lower bound of the component's share
(gRPC's and libstdc++'s unnamed internal symbols are not attributed).
Usage: callgrind_groups.py SIDE REQUESTS
"""
import json
import re
import sys

GROUPS = {
    "host": [
        ("total (all threads)", r"^PROGRAM TOTALS"),
        ("http session (Beast read/parse/write)", r"boost::beast::http::detail::read_some_op|http::read_some|HttpSession::|http_server"),
        ("routing", r"pyfn::RouteTable::Match|pyfn::Route::Match|FunctionRegistry::Match"),
        ("RpcHttp conversion", r"pyfn::BuildRpcHttp|pyfn::HttpResponseFromInvocation|pyfn::HttpResponseFromRpc"),
        ("invoke (host side, excl. worker)", r"pyfn::FunctionInvoker::Invoke"),
        ("protobuf serialize/parse", r"google::protobuf::MessageLite::(Serialize|Parse)|SerializeWithCachedSizes|_InternalParse"),
        ("gRPC (transport, completion queues)", r"^.*grpc_core::|grpc_chttp2|grpc_call_"),
        ("logging (spdlog)", r"spdlog::logger::|spdlog::details"),
    ],
    "worker": [
        ("total (all threads)", r"^PROGRAM TOTALS"),
        ("invocation <-> dict (invocation_dict.cc)", r"pyfn::(InvocationRequestToDict|DictToInvocationResponse)"),
        ("other messages <-> dict (proto_dict.cc, reflection)", r"pyfn::(MessageToDict|DictToMessage)\("),
        ("protobuf serialize/parse", r"google::protobuf::MessageLite::(Serialize|Parse)|SerializeWithCachedSizes|_InternalParse"),
        ("gRPC (transport, completion queues)", r"grpc_core::|grpc_chttp2|grpc_call_"),
    ],
}


def main():
    side, requests = sys.argv[1], int(sys.argv[2])
    rows = []
    for line in sys.stdin:
        m = re.match(r"\s*([\d,]+)\s+(?:\([^)]*\)\s+)?(.*)$", line)
        if m and m.group(2):
            rows.append((int(m.group(1).replace(",", "")), m.group(2)))
    out = {}
    for name, pattern in GROUPS[side]:
        rx = re.compile(pattern)
        best = max((cost for cost, fn in rows if rx.search(fn)), default=0)
        out[name] = round(best / max(requests, 1))
    if side == "worker":
        # CPython's eval loop recurses, so its inclusive cost is over-counted by
        # callgrind; take what the native groups leave instead.
        native = sum(v for k, v in out.items() if not k.startswith("total"))
        out["CPython (dispatcher, decode, call, encode; remainder)"] = \
            out["total (all threads)"] - native
    print(json.dumps(out))


if __name__ == "__main__":
    main()
