#!/usr/bin/env python3
"""pyfn benchmarks: throughput, latency, cold start, memory, image size.

Prints a table and writes out/bench/results.json. Figures are reported against the
GOALS below; nothing here fails on a time. Every ratio is taken from numbers
measured in the same run, because the machines are shared and noisy.

Usage: bench/bench.py [--quick] [--only throughput,coldstart,breakdown,images]
"""
import argparse
import datetime
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "out")
HOST = os.path.join(OUT, "bin", "pyfn-host")
PYDIR = os.path.join(OUT, "lib", "pyfn", "python")
APPS = {
    "v1": os.path.join(ROOT, "bench", "apps", "hello"),
    "v2": os.path.join(ROOT, "bench", "apps", "hello-v2"),
}
ECHO_LUA = os.path.join(ROOT, "bench", "echo.lua")

GOALS = {
    "ratio_function_ceiling_c32": 0.5,
    "cold_start_ms": 100,
    "idle_rss_mb": 40,
    "image_mb": 150,
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_status(url, timeout=1.0):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except Exception:
        return None


class Host:
    """One pyfn-host process serving an app on a free loopback port."""

    def __init__(self, app, workers=1, env=None):
        self.port = free_port()
        self.base = "http://127.0.0.1:%d" % self.port
        e = dict(os.environ)
        e.update({"FUNCTIONS_WORKER_PROCESS_COUNT": str(workers)})
        e.update(env or {})
        self.log = tempfile.NamedTemporaryFile(prefix="pyfn-bench-", suffix=".log", delete=False)
        self.t0 = time.perf_counter()
        self.proc = subprocess.Popen(
            [HOST, "--script-root", app, "--port", str(self.port)],
            stdout=self.log, stderr=subprocess.STDOUT, env=e, start_new_session=True)

    def wait_ready(self, path="/api/hello", timeout=30.0):
        """Returns seconds from exec to the first 200 on path."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("pyfn-host exited early; log: " + self.log.name)
            if http_status(self.base + path, timeout=0.5) == 200:
                return time.perf_counter() - self.t0
            time.sleep(0.002)
        raise RuntimeError("pyfn-host not ready after %.0fs; log: %s" % (timeout, self.log.name))

    def pids(self):
        """The host pid and its worker children's pids."""
        kids = []
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % d) as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                if int(fields[1]) == self.proc.pid:
                    kids.append(int(d))
            except OSError:
                pass
        return self.proc.pid, sorted(kids)

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


def rss_mb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return None


def memory(host):
    hp, kids = host.pids()
    return {"host_mb": rss_mb(hp), "workers_mb": [rss_mb(k) for k in kids]}


def parse_wrk(text):
    """rps, p50 and p99 (ms), errors from `wrk --latency` output."""
    def ms(pct):
        m = re.search(pct + r"%\s+([\d.]+)(us|ms|s|m)\b", text)
        if not m:
            sys.stderr.write("bench: no %s%% latency in wrk output:\n%s\n" % (pct, text))
            return None
        x = float(m.group(1))
        return x * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[m.group(2)]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    p50 = ms("50")
    p99 = ms("99")
    errors = 0
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    if m:
        errors += int(m.group(1))
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if m:
        errors += sum(int(g) for g in m.groups())
    return {"rps": rps, "p50_ms": p50, "p99_ms": p99, "errors": errors}


def wrk(url, conns, seconds, script=None):
    cmd = ["wrk", "-t2", "-c%d" % conns, "-d%ds" % seconds, "--latency"]
    if script:
        cmd += ["-s", script]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    return parse_wrk(out)


def bench_throughput(app, workers, seconds, conns_list, with_ceiling):
    host = Host(app, workers=workers)
    rows = []
    try:
        host.wait_ready()
        targets = [("hello", host.base + "/api/hello", None)]
        if os.path.isdir(os.path.join(app, "echo")):
            targets.append(("echo-1KiB", host.base + "/api/echo", ECHO_LUA))
        if with_ceiling:
            targets.append(("ceiling(ping)", host.base + "/admin/host/ping", None))
        for name, url, script in targets:
            wrk(url, 32, max(1, seconds // 5), script)  # warm-up
            for c in conns_list:
                r = wrk(url, c, seconds, script)
                r.update({"target": name, "conns": c, "workers": workers})
                rows.append(r)
        mem_after = memory(host)
    finally:
        host.stop()
    return rows, mem_after


def bench_coldstart(app, runs):
    times = []
    idle = None
    for i in range(runs):
        host = Host(app)
        try:
            times.append(host.wait_ready() * 1000.0)
            if i == 0:
                time.sleep(1.0)
                idle = memory(host)
        finally:
            host.stop()
    return statistics.median(times), times, idle


def bench_import_floor(runs):
    env = dict(os.environ, PYTHONPATH=PYDIR)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(["/usr/bin/python3", "-c", "import azure.functions"], env=env, check=True)
        times.append((time.perf_counter() - t0) * 1000.0)
    return statistics.median(times)


def last_json_line(cmd):
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def bench_breakdown(requests):
    """Per-invocation cost: instructions by component (callgrind, host and worker) and
    worker-side microseconds by stage (in-process, no gRPC)."""
    r = {}
    try:
        r["instructions_per_request"] = last_json_line(
            [os.path.join(ROOT, "bench", "profile.sh"), str(min(requests, 400))])
    except Exception as e:  # valgrind missing or the profile failed: say so, go on
        r["instructions_per_request"] = {"error": str(e)}
    r["worker_stages_us"] = last_json_line(
        ["/usr/bin/python3", os.path.join(ROOT, "bench", "worker_profile.py"), str(requests)])
    return r


def bench_images():
    engine = os.path.join(ROOT, "scripts", "engine.sh")
    if not os.path.exists(engine):
        return None
    try:
        out = subprocess.run([engine, "images", "--format", "{{.Repository}}:{{.Tag}} {{.Size}}"],
                             capture_output=True, text=True, timeout=60).stdout
    except Exception:
        return None
    rows = {}
    for line in out.splitlines():
        name, _, size = line.partition(" ")
        if name.startswith("localhost/pyfn/") or name.startswith("pyfn/") or "/pyfn/python" in name:
            rows[name] = size
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="2 s runs, 3 cold starts (smoke test)")
    ap.add_argument("--only", default="coldstart,throughput,breakdown,images")
    args = ap.parse_args()
    only = set(args.only.split(","))
    seconds = 2 if args.quick else 10
    runs = 3 if args.quick else 10

    if not os.access(HOST, os.X_OK):
        sys.exit("bench: %s missing; run `make build` first" % HOST)
    os.makedirs(os.path.join(OUT, "bench"), exist_ok=True)
    results = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "machine": platform.machine(),
        "kernel": platform.release(),
        "goals": GOALS,
    }

    if "coldstart" in only:
        for model, app in APPS.items():
            if not os.path.isdir(app):
                continue
            med, all_ms, idle = bench_coldstart(app, runs)
            results.setdefault("cold_start", {})[model] = {"median_ms": med, "runs_ms": all_ms}
            results.setdefault("idle_rss", {})[model] = idle
        results["import_floor_ms"] = bench_import_floor(runs)

    if "throughput" in only:
        rows = []
        results["rss_after_load"] = {}
        for workers in (1, 2):
            r, mem = bench_throughput(APPS["v1"], workers, seconds, (32, 128), workers == 1)
            rows += r
            results["rss_after_load"]["v1_workers%d" % workers] = mem
        if os.path.isdir(APPS["v2"]):
            r, mem = bench_throughput(APPS["v2"], 1, seconds, (32,), False)
            for x in r:
                x["target"] = "v2 " + x["target"]
            rows += r
        ceiling = {x["conns"]: x["rps"] for x in rows if x["target"] == "ceiling(ping)"}
        for x in rows:
            if x["target"] != "ceiling(ping)" and x["conns"] in ceiling:
                x["ratio_to_ceiling"] = x["rps"] / ceiling[x["conns"]]
        results["throughput"] = rows

    if "breakdown" in only:
        results["breakdown"] = bench_breakdown(300 if args.quick else 1000)

    if "images" in only:
        results["images"] = bench_images()

    path = os.path.join(OUT, "bench", "results.json")
    with open(path, "w") as f:
        json.dump(results, f, indent=2)
    report(results)
    print("\nwritten: %s" % os.path.relpath(path, ROOT))


def fmt(v, spec="%.1f"):
    return "-" if v is None else spec % v


def report(r):
    print("pyfn bench  %s  cores=%s" % (r["date"], r["cores"]))
    if "throughput" in r:
        print("\n%-16s %7s %5s %10s %8s %8s %7s %7s" %
              ("target", "workers", "conns", "rps", "p50 ms", "p99 ms", "errors", "ratio"))
        for x in r["throughput"]:
            print("%-16s %7d %5d %10.0f %8s %8s %7d %7s" %
                  (x["target"], x["workers"], x["conns"], x["rps"], fmt(x["p50_ms"], "%.2f"),
                   fmt(x["p99_ms"], "%.2f"), x["errors"], fmt(x.get("ratio_to_ceiling"), "%.2f")))
        print("goal: function/ceiling >= %.1f at 32 connections" % GOALS["ratio_function_ceiling_c32"])
    if "cold_start" in r:
        print()
        for model, c in r["cold_start"].items():
            print("cold start (%s, exec -> first 200): median %.0f ms over %d runs (goal <= %d ms)" %
                  (model, c["median_ms"], len(c["runs_ms"]), GOALS["cold_start_ms"]))
        print("floor: python3 -c 'import azure.functions': median %.0f ms" % r["import_floor_ms"])
        for model, m in r.get("idle_rss", {}).items():
            if m:
                total = (m["host_mb"] or 0) + sum(w or 0 for w in m["workers_mb"])
                print("idle RSS (%s): host %s MB, workers %s MB, total %.1f MB (goal <= %d MB)" %
                      (model, fmt(m["host_mb"]), [fmt(w) for w in m["workers_mb"]], total,
                       GOALS["idle_rss_mb"]))
    for k, m in r.get("rss_after_load", {}).items():
        print("RSS after load (%s): host %s MB, workers %s MB" %
              (k, fmt(m["host_mb"]), [fmt(w) for w in m["workers_mb"]]))
    b = r.get("breakdown")
    if b:
        ipr = b["instructions_per_request"]
        if "error" not in ipr:
            print("\nper-invocation cost, instructions per request (callgrind, %d requests):" %
                  ipr["requests"])
            for side in ("host", "worker"):
                for k, v in sorted(ipr[side].items(), key=lambda kv: -kv[1]):
                    print("  %-7s %-52s %10d" % (side, k, v))
        print("worker stages, microseconds per invocation (in-process, no gRPC):")
        for fn in ("hello", "echo"):
            st = b["worker_stages_us"][fn]
            print("  %-6s total %6.1f  decode %6.1f  call+pool hop %6.1f  encode %6.1f" %
                  (fn, st["total_us"], st["decode_us"], st["call_and_pool_hop_us"], st["encode_us"]))
    if r.get("images"):
        print("\nimages (uncompressed):")
        for name, size in sorted(r["images"].items()):
            print("  %-48s %s" % (name, size))


if __name__ == "__main__":
    main()
