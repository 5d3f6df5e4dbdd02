#!/usr/bin/env python3
"""A local stand-in for an Event Grid topic (and a place functions report to):
an HTTP server that records every request. Stdlib only.

    eventgrid-sink.py DIR

Listens on 127.0.0.1 on a free port, writes the port to DIR/port once it
listens, and appends one JSON object per request to DIR/requests.jsonl:
{"method", "path" (with the query), "headers" (names lower-cased), "body"
(text; bytes that are not UTF-8 replaced)}. Answers 200 with an empty body,
except a path starting with /status/NNN, answered NNN with Event Grid's error
body {"error": {"code": "Sink", "message": "sink answered NNN"}}. Runs until
killed (tests/helpers/eventgrid.bash).
"""
import http.server
import json
import os
import sys
import threading

LOCK = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _handle(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        record = {
            "method": self.command,
            "path": self.path,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": body.decode("utf-8", "replace"),
        }
        with LOCK, open(os.path.join(self.server.dir, "requests.jsonl"), "a") as f:
            f.write(json.dumps(record) + "\n")
        status, answer = 200, b""
        parts = self.path.split("/")
        if len(parts) > 2 and parts[1] == "status" and parts[2][:3].isdigit():
            status = int(parts[2][:3])
            answer = json.dumps({"error": {"code": "Sink",
                                           "message": f"sink answered {status}"}}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    do_POST = do_PUT = do_GET = do_OPTIONS = _handle

    def log_message(self, *args):
        pass


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.dir = sys.argv[1]
    os.makedirs(server.dir, exist_ok=True)
    tmp = os.path.join(server.dir, "port.tmp")
    with open(tmp, "w") as f:
        f.write(f"{server.server_address[1]}\n")
    os.rename(tmp, os.path.join(server.dir, "port"))
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
