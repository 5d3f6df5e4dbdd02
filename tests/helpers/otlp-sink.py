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
     "attributes" {key: value}, "dropped_attributes" (number),
     "encoding" ("json" or "protobuf")}

A POST /v1/traces with Content-Type application/x-protobuf (OTLP/HTTP's
protobuf encoding) is decoded from the wire format (stdlib only) and recorded
the same way; it is answered 200 with an empty protobuf body.

POST /v1/metrics (ExportMetricsServiceRequest) is decoded likewise: every data
point becomes one object appended to DIR/metrics.jsonl:

    {"service", "resource", "scope", "export" (the request's number, from 1),
     "name", "description", "unit", "type" ("sum", "gauge", "histogram"),
     "temporality" (number; sums and histograms), "monotonic" (sums),
     "attributes" {key: value}, "start", "time" (nanoseconds, numbers),
     "value" (sums and gauges: asInt as a number, or asDouble),
     "count", "sum", "bucket_counts" [numbers], "bounds" [numbers] (histograms)}

The sink checks OTLP/JSON's encoding: 64-bit integers (times, asInt, count,
bucketCounts) must be strings, as the protobuf JSON mapping writes them.

The request is answered 200 with {"partialSuccess": {}}. A body that is not
OTLP/JSON (another path or Content-Type, bad JSON, a 64-bit integer that is
not a string) is answered 400 and recorded in DIR/errors.log. GET /spans
answers the recorded spans as a JSON array, GET /metrics the data points.

With --hang the sink accepts connections and reads requests but never
answers (a collector that hangs). With --discard it answers every POST 200
without decoding it and only counts requests and bytes in DIR/received
("<requests> <bytes>", written at each request): a cheap collector for
bench/bench.py. Runs until killed (tests/helpers/otlp.bash).
"""
import http.server
import json
import os
import struct
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


def flatten(body, encoding='json'):
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
                    'dropped_attributes': s.get('droppedAttributesCount', 0),
                    'encoding': encoding,
                })
    return spans


# OTLP/HTTP protobuf (Content-Type application/x-protobuf) is read into the
# shape of its JSON mapping, then flattened like JSON. Each message: field
# number -> (JSON name, type, repeated); types are another message's name,
# "string", "id" (bytes as hex, OTLP/JSON's ids), "enum"/"uint32" (varint),
# "int64" and "fixed64" (strings, as the JSON mapping writes them), "bool",
# "double".
PROTO = {
    'ExportTraceServiceRequest': {1: ('resourceSpans', 'ResourceSpans', True)},
    'ResourceSpans': {1: ('resource', 'Resource', False), 2: ('scopeSpans', 'ScopeSpans', True),
                      3: ('schemaUrl', 'string', False)},
    'Resource': {1: ('attributes', 'KeyValue', True), 2: ('droppedAttributesCount', 'uint32', False)},
    'ScopeSpans': {1: ('scope', 'InstrumentationScope', False), 2: ('spans', 'Span', True),
                   3: ('schemaUrl', 'string', False)},
    'InstrumentationScope': {1: ('name', 'string', False), 2: ('version', 'string', False),
                             3: ('attributes', 'KeyValue', True),
                             4: ('droppedAttributesCount', 'uint32', False)},
    'Span': {1: ('traceId', 'id', False), 2: ('spanId', 'id', False),
             3: ('traceState', 'string', False), 4: ('parentSpanId', 'id', False),
             5: ('name', 'string', False), 6: ('kind', 'enum', False),
             7: ('startTimeUnixNano', 'fixed64', False), 8: ('endTimeUnixNano', 'fixed64', False),
             9: ('attributes', 'KeyValue', True), 10: ('droppedAttributesCount', 'uint32', False),
             15: ('status', 'Status', False), 16: ('flags', 'fixed32', False)},
    'Status': {2: ('message', 'string', False), 3: ('code', 'enum', False)},
    'KeyValue': {1: ('key', 'string', False), 2: ('value', 'AnyValue', False)},
    'AnyValue': {1: ('stringValue', 'string', False), 2: ('boolValue', 'bool', False),
                 3: ('intValue', 'int64', False), 4: ('doubleValue', 'double', False),
                 5: ('arrayValue', 'ArrayValue', False), 6: ('kvlistValue', 'KeyValueList', False),
                 7: ('bytesValue', 'id', False)},
    'ArrayValue': {1: ('values', 'AnyValue', True)},
    'KeyValueList': {1: ('values', 'KeyValue', True)},
}


def varint(data, i):
    shift = result = 0
    while True:
        if i >= len(data) or shift > 63:
            raise ValueError('truncated or overlong varint')
        b = data[i]
        i += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return result, i


def decode_proto(data, message):
    """`data` (the wire format of `message`) as its OTLP/JSON shape."""
    fields, out, i = PROTO[message], {}, 0
    while i < len(data):
        key, i = varint(data, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            raw, i = varint(data, i)
        elif wire == 1:
            raw, i = data[i:i + 8], i + 8
        elif wire == 5:
            raw, i = data[i:i + 4], i + 4
        elif wire == 2:
            n, i = varint(data, i)
            raw, i = data[i:i + n], i + n
        else:
            raise ValueError(f'{message} field {number}: wire type {wire}')
        if i > len(data):
            raise ValueError(f'{message} field {number}: truncated')
        if number not in fields:
            continue  # unknown fields are skipped, as protobuf does
        name, kind, repeated = fields[number]
        if kind in PROTO:
            value = decode_proto(raw, kind)
        elif kind == 'string':
            value = raw.decode('utf-8')  # a protobuf string must be UTF-8
        elif kind == 'id':
            value = raw.hex()
        elif kind in ('enum', 'uint32'):
            value = raw
        elif kind == 'bool':
            value = bool(raw)
        elif kind == 'int64':
            value = str(raw - (1 << 64) if raw >= 1 << 63 else raw)
        elif kind == 'fixed64':
            value = str(int.from_bytes(raw, 'little'))
        elif kind == 'fixed32':
            value = int.from_bytes(raw, 'little')
        else:  # double
            value = struct.unpack('<d', raw)[0]
        if repeated:
            out.setdefault(name, []).append(value)
        else:
            out[name] = value
    return out


def int64(v, what):
    """A 64-bit integer field: the JSON mapping writes it as a string."""
    if not isinstance(v, str):
        raise ValueError(f'{what} is {v!r}, not a string')
    return int(v)


def flatten_metrics(body, export):
    points = []
    for rm in body.get('resourceMetrics', []):
        resource = attributes(rm.get('resource', {}).get('attributes'))
        for sm in rm.get('scopeMetrics', []):
            scope = sm.get('scope', {}).get('name', '')
            for m in sm.get('metrics', []):
                kinds = [k for k in ('sum', 'gauge', 'histogram') if k in m]
                if len(kinds) != 1:
                    raise ValueError(f'metric {m.get("name")!r} has data {kinds}')
                kind = kinds[0]
                data = m[kind]
                for p in data.get('dataPoints', []):
                    name = m['name']
                    point = {
                        'service': resource.get('service.name'),
                        'resource': resource, 'scope': scope, 'export': export,
                        'name': name, 'description': m.get('description', ''),
                        'unit': m.get('unit', ''), 'type': kind,
                        'attributes': attributes(p.get('attributes')),
                        'start': int64(p.get('startTimeUnixNano', '0'), name + ' start'),
                        'time': int64(p['timeUnixNano'], name + ' time'),
                    }
                    if kind != 'gauge':
                        point['temporality'] = data.get('aggregationTemporality', 0)
                    if kind == 'sum':
                        point['monotonic'] = data.get('isMonotonic', False)
                    if kind == 'histogram':
                        point['count'] = int64(p.get('count', '0'), name + ' count')
                        point['sum'] = p.get('sum')
                        point['bucket_counts'] = [int64(c, name + ' bucketCounts')
                                                  for c in p.get('bucketCounts', [])]
                        point['bounds'] = p.get('explicitBounds', [])
                    elif 'asInt' in p:
                        point['value'] = int64(p['asInt'], name + ' asInt')
                    else:
                        point['value'] = p.get('asDouble')
                    points.append(point)
    return points


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
            protobuf = self.path == '/v1/traces' and ctype == 'application/x-protobuf'
            if self.path not in ('/v1/traces', '/v1/metrics') or \
                    (ctype != 'application/json' and not protobuf):
                raise ValueError(f'{self.path} with Content-Type {ctype!r}')
            with LOCK:
                self.server.metric_exports += self.path == '/v1/metrics'
                export = self.server.metric_exports
            if protobuf:
                records, file = flatten(decode_proto(raw, 'ExportTraceServiceRequest'),
                                        'protobuf'), 'spans.jsonl'
            elif self.path == '/v1/traces':
                records, file = flatten(json.loads(raw)), 'spans.jsonl'
            else:
                records, file = flatten_metrics(json.loads(raw), export), 'metrics.jsonl'
        except (ValueError, KeyError, TypeError) as e:
            with LOCK, open(os.path.join(self.server.dir, 'errors.log'), 'a') as f:
                f.write(f'{e}\n')
            self.answer(400, {'error': str(e)})
            return
        with LOCK, open(os.path.join(self.server.dir, file), 'a') as f:
            for r in records:
                f.write(json.dumps(r) + '\n')
        if protobuf:  # an empty ExportTraceServiceResponse
            self.send_response(200)
            self.send_header('Content-Type', 'application/x-protobuf')
            self.send_header('Content-Length', '0')
            self.end_headers()
            return
        self.answer(200, {'partialSuccess': {}})

    def do_GET(self):
        files = {'/spans': 'spans.jsonl', '/metrics': 'metrics.jsonl'}
        if self.path not in files:
            self.answer(404, {})
            return
        path = os.path.join(self.server.dir, files[self.path])
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
    server.metric_exports = 0
    os.makedirs(server.dir, exist_ok=True)
    tmp = os.path.join(server.dir, 'port.tmp')
    with open(tmp, 'w') as f:
        f.write(f'{server.server_address[1]}\n')
    os.rename(tmp, os.path.join(server.dir, 'port'))
    server.serve_forever()
    return 0


if __name__ == '__main__':
    sys.exit(main())
