#!/usr/bin/env python3
"""Reads `callgrind_annotate --inclusive=yes` on stdin; prints instructions per request
for each component of one side (host or worker) as a JSON object.

Inclusive costs overlap (a caller includes its callees), so each group is the largest
inclusive cost among the functions matching it, a lower bound of the component's share
(gRPC's and libstdc++'s unnamed internal symbols are not attributed).
Usage: callgrind_groups.py SIDE REQUESTS [CALLGRIND_OUT]
With CALLGRIND_OUT the costs are read from callgrind's own file, one inclusive
cost per function (callgrind_annotate splits a function by the source file of
its inlined code, so a pattern's largest row can miss most of it).
"""
import json
import re
import sys

GROUPS = {
    # Host: by thread first (what each hop costs), then parts of the request
    # handler. "A - B" rows subtract the named inclusive costs (see MINUS).
    "host": [
        ("total (all threads)", r"^PROGRAM TOTALS"),
        ("io threads: HTTP read/parse, timers (Beast/Asio; excl. handler and write)",
         r"^std::thread::_State_impl<.*pyfn::Host::Start\(\)::\{lambda\(\)#\d+\}.*_M_run"),
        ("io threads: HTTP response write (head + body, send)",
         r"^pyfn::HttpServer::Session::Write\(pyfn::HttpResponse\)$"),
        ("io threads: handler (routing, auth, RpcHttp, invoke, queue to writer)",
         r"^pyfn::Host::Handle\("),
        ("  routing", r"^pyfn::RouteTable::Match\("),
        ("  RpcHttp conversion (request: wire bytes, or the message)",
         r"^pyfn::(EncodeHttpTrigger|BuildRpcHttp)\("),
        ("  invoker + worker pool dispatch", r"^pyfn::FunctionInvoker::Invoke\("),
        ("    InvocationRequest -> bytes", r"^pyfn::EncodeInvocation\("),
        ("  gRPC write (start the write; on the io thread)",
         r"^pyfn::StreamChannel::(WriteLocked\(|Send\(grpc::Slice)"),
        ("gRPC callback threads: transport (completion queue: reads, write completions)",
         r"^grpc_completion_queue_next$"),
        ("gRPC callback threads: read done (parse, response handling, next read)",
         r"^pyfn::StreamChannel::OnReadDone\(bool\)$"),
        ("  protobuf parse", r"^pyfn::ReadStreamingMessage\(grpc::ByteBuffer"),
        ("  response handling (match, callback, post to io)", r"^pyfn::WorkerPool::OnMessage\("),
        ("  response conversion", r"^pyfn::HttpResponseFromInvocation\("),
        ("gRPC executor thread (transport work gRPC hands off)",
         r"^grpc_core::Executor::ThreadMain\("),
        ("malloc + free (all threads)", r"^(malloc|free)$"),
        # Tracing (TRACING=1 bench/profile.sh); rows left out when tracing is off.
        ("tracing: server span start (io thread)", r"^pyfn::telemetry::TraceHttpRequest\("),
        ("tracing: server span end (io thread)",
         r"^pyfn::telemetry::TraceHttpRequest\(.*\)::\{lambda\(pyfn::HttpResponse\)#1\}::operator\(\)"),
        ("tracing: invocation span start", r"^pyfn::telemetry::StartInvocationSpan\("),
        ("tracing: invocation span end", r"^pyfn::telemetry::EndInvocationSpan\("),
        ("tracing: hand-off to the exporter", r"^pyfn::telemetry::SpanExporter::Add\("),
        ("tracing: exporter thread (encode + POST)", r"^pyfn::telemetry::SpanExporter::Run\(\)$"),
        ("  OTLP encode", r"^pyfn::telemetry::EncodeTraceRequest(Proto)?\("),
        ("  OTLP POST", r"^pyfn::telemetry::PostOtlp"),
        ("logging (spdlog)", r"^spdlog::logger::log_"),
    ],
    "worker": [
        ("total (all threads)", r"^PROGRAM TOTALS"),
        ("invocation <-> dict (invocation_dict.cc)", r"pyfn::(InvocationRequestToDict|DictToInvocationResponse)"),
        ("other messages <-> dict (proto_dict.cc, reflection)", r"pyfn::(MessageToDict|DictToMessage)\("),
        ("protobuf serialize/parse", r"google::protobuf::MessageLite::(Serialize|Parse)|SerializeWithCachedSizes|_InternalParse"),
        ("gRPC (transport, completion queues)", r"grpc_core::|grpc_chttp2|grpc_call_"),
    ],
}


# Rows that add up every matching function instead of taking the largest.
SUMMED = {"malloc + free (all threads)", "    protobuf serialize"}

# Rows whose value is their own inclusive cost minus those of other rows.
MINUS = {
    "io threads: HTTP read/parse, timers (Beast/Asio; excl. handler and write)": [
        "io threads: HTTP response write (head + body, send)",
        "io threads: handler (routing, auth, RpcHttp, invoke, queue to writer)"],
}


def read_callgrind(path):
    """(inclusive cost, function name) per function, plus ("PROGRAM TOTALS")."""
    names = {}
    self_cost, call_cost = {}, {}
    fn = callee = None
    after_calls = False

    def name(ref):
        m = re.match(r"\((\d+)\)(?: (.*))?$", ref)
        if not m:
            return ref
        if m.group(2) is not None:
            names[m.group(1)] = m.group(2)
        return names.get(m.group(1), ref)

    total = 0
    with open(path, errors="replace") as f:
        for line in f:
            if line.startswith("fn="):
                fn, after_calls = name(line[3:].rstrip("\n")), False
            elif line.startswith("cfn="):
                callee = name(line[4:].rstrip("\n"))
            elif line.startswith("calls="):
                after_calls = True
            elif line[:1].isdigit() or line[:1] in "+-*":
                parts = line.split()
                if len(parts) < 2 or fn is None:
                    continue
                cost = int(parts[1])
                if after_calls:
                    if callee != fn:
                        call_cost[fn] = call_cost.get(fn, 0) + cost
                    after_calls = False
                else:
                    self_cost[fn] = self_cost.get(fn, 0) + cost
                    total += cost
    rows = [(self_cost.get(f, 0) + call_cost.get(f, 0), f)
            for f in set(self_cost) | set(call_cost)]
    rows.append((total, "PROGRAM TOTALS"))
    return rows


def main():
    side, requests = sys.argv[1], int(sys.argv[2])
    rows = []
    if len(sys.argv) > 3:
        rows = read_callgrind(sys.argv[3])
    else:
        for line in sys.stdin:
            m = re.match(r"\s*([\d,]+)\s+(?:\([^)]*\)\s+)?(.*)$", line)
            if m and m.group(2):
                rows.append((int(m.group(1).replace(",", "")), m.group(2)))
    out = {}
    for name, pattern in GROUPS[side]:
        rx = re.compile(pattern)
        costs = [cost for cost, fn in rows if rx.search(fn)]
        best = (sum(costs) if name in SUMMED else max(costs, default=0))
        out[name] = round(best / max(requests, 1))
    for name in [k for k in out if k.startswith("tracing: ")]:
        if out[name] == 0:
            del out[name]
    for name, others in MINUS.items():
        if name in out:
            out[name] -= sum(out.get(o, 0) for o in others)
    if side == "worker":
        # CPython's eval loop recurses, so its inclusive cost is over-counted by
        # callgrind; take what the native groups leave instead.
        native = sum(v for k, v in out.items() if not k.startswith("total"))
        out["CPython (dispatcher, decode, call, encode; remainder)"] = \
            out["total (all threads)"] - native
    print(json.dumps(out))


if __name__ == "__main__":
    main()
