#!/usr/bin/env python3
"""A local OTLP/HTTP collector for the telemetry tests: it decodes what it
receives and lets the test ask for it. Stdlib only.

    otlp-sink.py DIR [--hang | --discard]

Listens on 127.0.0.1 on a free port and writes the port to DIR/port once it
listens. POST /v1/traces with an OTLP/JSON body (ExportTraceServiceRequest)
is decoded: every span becomes one JSON object appended to DIR/spans.jsonl,
flattened for jq:

    {"service", "resource" {key: value}, "scope", "trace_id", "span_id",
     "parent_span_id" ("" for a root), "name", "kind" (number), "start", "end"
     (nanoseconds, numbers), "status" (code number), "status_message",
     "attributes" {key: value}}

and the request is answered 200 with {"partialSuccess": {}}. A body that is not
OTLP/JSON (another Content-Type, bad JSON) is answered 400 and recorded in
DIR/errors.log. GET /spans answers the recorded spans as a JSON array.

With --hang the sink accepts connections and reads requests but never
answers (a collector that hangs). With --discard it answers every POST 200
without decoding it and only counts requests and bytes in DIR/received
("<requests> <bytes>", written at each request): a cheap collector for
bench/bench.py. Runs until killed (tests/helpers/otlp.bash).
"""
import http.server
import json
import os
import sys
import threading
import time

LOCK = threading.Lock()


def value(v):
    """An OTLP AnyValue as a plain JSON value."""
    if not isinstance(v, dict):
        return None
    for key in ('stringValue', 'boolValue', 'doubleValue'):
        if key in v:
            return v[key]
    if 'intValue' in v:
        return int(v['intValue'])
    if 'arrayValue' in v:
        return [value(x) for x in v['arrayValue'].get('values', [])]
    if 'kvlistValue' in v:
        return attributes(v['kvlistValue'].get('values', []))
    return None


def attributes(items):
    return {a['key']: value(a.get('value')) for a in items or []}


def flatten(body):
    spans = []
    for rs in body.get('resourceSpans', []):
        resource = attributes(rs.get('resource', {}).get('attributes'))
        for ss in rs.get('scopeSpans', []):
            scope = ss.get('scope', {}).get('name', '')
            for s in ss.get('spans', []):
                status = s.get('status') or {}
                spans.append({
                    'service': resource.get('service.name'),
                    'resource': resource,
                    'scope': scope,
                    'trace_id': s['traceId'],
                    'span_id': s['spanId'],
                    'parent_span_id': s.get('parentSpanId', ''),
                    'name': s.get('name', ''),
                    'kind': s.get('kind', 0),
                    'start': int(s.get('startTimeUnixNano', 0)),
                    'end': int(s.get('endTimeUnixNano', 0)),
                    'status': status.get('code', 0),
                    'status_message': status.get('message', ''),
                    'attributes': attributes(s.get('attributes')),
                })
    return spans


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        length = int(self.headers.get('Content-Length') or 0)
        raw = self.rfile.read(length) if length else b''
        if self.server.hang:
            time.sleep(3600)
            return
        if self.server.discard:
            with LOCK:
                self.server.received[0] += 1
                self.server.received[1] += len(raw)
                with open(os.path.join(self.server.dir, 'received'), 'w') as f:
                    f.write('%d %d\n' % tuple(self.server.received))
            self.answer(200, {'partialSuccess': {}})
            return
        ctype = (self.headers.get('Content-Type') or '').split(';')[0].strip()
        try:
            if self.path != '/v1/traces' or ctype != 'application/json':
                raise ValueError(f'{self.path} with Content-Type {ctype!r}')
            spans = flatten(json.loads(raw))
        except (ValueError, KeyError, TypeError) as e:
            with LOCK, open(os.path.join(self.server.dir, 'errors.log'), 'a') as f:
                f.write(f'{e}\n')
            self.answer(400, {'error': str(e)})
            return
        with LOCK, open(os.path.join(self.server.dir, 'spans.jsonl'), 'a') as f:
            for s in spans:
                f.write(json.dumps(s) + '\n')
        self.answer(200, {'partialSuccess': {}})

    def do_GET(self):
        if self.path != '/spans':
            self.answer(404, {})
            return
        path = os.path.join(self.server.dir, 'spans.jsonl')
        with LOCK:
            lines = open(path).read().splitlines() if os.path.exists(path) else []
        self.answer(200, [json.loads(x) for x in lines])

    def log_message(self, *args):
        pass


def main():
    args = [a for a in sys.argv[1:] if a not in ('--hang', '--discard')]
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    server.daemon_threads = True
    server.dir = args[0]
    server.hang = '--hang' in sys.argv[1:]
    server.discard = '--discard' in sys.argv[1:]
    server.received = [0, 0]
    os.makedirs(server.dir, exist_ok=True)
    tmp = os.path.join(server.dir, 'port.tmp')
    with open(tmp, 'w') as f:
        f.write(f'{server.server_address[1]}\n')
    os.rename(tmp, os.path.join(server.dir, 'port'))
    server.serve_forever()
    return 0


if __name__ == '__main__':
    sys.exit(main())
