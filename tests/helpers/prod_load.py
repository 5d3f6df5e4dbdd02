"""Closed-loop HTTP load with an account of every request (tests/prod-kill.bats, make soak).

usage: prod_load.py PORT PATH SECONDS CONCURRENCY OUT.json

CONCURRENCY threads each send GET PATH?rid=<unique id> on a keep-alive connection (a new one
after an error) until SECONDS pass. Each request's timeout is 30 s. Writes a summary:
{"sent", "answered", "errors" (no answer: connection error or timeout), "status": {code: n},
"duplicates" (ids answered more than once), "max_latency"}. Exit status 0 always.
"""
import http.client
import json
import sys
import threading
import time

port, path, seconds, conc, out = (int(sys.argv[1]), sys.argv[2], float(sys.argv[3]),
                                  int(sys.argv[4]), sys.argv[5])
lock = threading.Lock()
answers = {}
status = {}
errors = []
sent = [0]
max_lat = [0.0]
stop_at = time.time() + seconds


def worker(tid):
    conn = None
    n = 0
    while time.time() < stop_at:
        rid = f"{tid}-{n}"
        n += 1
        with lock:
            sent[0] += 1
        t0 = time.time()
        try:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            sep = "&" if "?" in path else "?"
            conn.request("GET", f"{path}{sep}rid={rid}")
            r = conn.getresponse()
            r.read()
            lat = time.time() - t0
            with lock:
                answers[rid] = answers.get(rid, 0) + 1
                status[r.status] = status.get(r.status, 0) + 1
                max_lat[0] = max(max_lat[0], lat)
            if r.getheader("connection", "").lower() == "close":
                conn.close()
                conn = None
        except Exception as e:  # noqa: BLE001 - every failure is an unanswered request
            with lock:
                errors.append(f"{rid}: {type(e).__name__}: {e}")
            if conn is not None:
                conn.close()
            conn = None


threads = [threading.Thread(target=worker, args=(i,)) for i in range(conc)]
for t in threads:
    t.start()
for t in threads:
    t.join()
summary = {
    "sent": sent[0],
    "answered": sum(answers.values()),
    "errors": len(errors),
    "error_samples": errors[:5],
    "status": {str(k): v for k, v in sorted(status.items())},
    "duplicates": sum(1 for v in answers.values() if v > 1),
    "max_latency": round(max_lat[0], 3),
}
with open(out, "w") as f:
    json.dump(summary, f)
print(json.dumps(summary))
