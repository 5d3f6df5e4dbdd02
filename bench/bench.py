#!/usr/bin/env python3
"""pyfn benchmarks: throughput, latency, cold start, memory, image size.

Prints a table and writes out/bench/results.json. Figures are reported against the
GOALS below; nothing here fails on a time. Every ratio is taken from numbers
measured in the same run, because the machines are shared and noisy.

Usage: bench/bench.py [--quick]
                      [--only coldstart,throughput,concurrency,breakdown,tracing,streaming,images]
                      [--python-dir DIR] [--prefix DIR]
--only picks sections (nothing here builds; the binaries must exist). --prefix measures the
pyfn-host, pyfn-worker and Python side installed under DIR (default out, what `make build`
installs; `make bench` passes out/release, the configuration the images ship: Release,
gRPC linked statically into pyfn-host, see `make release`). The breakdown section
(bench/profile.sh, callgrind) always counts out/bin: it needs the symbols of `make build`.
--python-dir runs the worker's Python side from DIR (PYFN_PYTHON_DIR, e.g. worker/python)
instead of the prefix's lib/pyfn/python; the import floor is then measured from DIR too.
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
CONCURRENCY_APP = os.path.join(ROOT, "bench", "apps", "concurrency")
STREAMING_APP = os.path.join(ROOT, "bench", "apps", "streaming")
ECHO_LUA = os.path.join(ROOT, "bench", "echo.lua")
ECHO64K_LUA = os.path.join(ROOT, "bench", "echo64k.lua")
SLEEP_S = 0.020          # what bench/apps/concurrency's functions sleep
SLEEP_THREADS = 16       # PYTHON_THREADPOOL_THREAD_COUNT for the sync sleep row

GOALS = {
    "ratio_function_ceiling_c32": 0.5,
    # sync 20 ms sleep, 64 conns: rps >= 0.9 * threads / 0.020 s;
    # async 20 ms sleep, 256 conns: rps >= 0.9 * min(256 / 0.020 s, host ceiling);
    # also reported against min(256 / 0.020 s, the same async function without the
    # wait): that ratio says whether waiting costs concurrency, apart from the
    # per-invocation cost the hello row measures; and against asyncio_floor.py, a bare
    # asyncio server awaiting the same 20 ms (no pyfn): what CPython's loop itself reaches
    "ratio_sleep_to_bound": 0.9,
    "cold_start_ms": 80,
    "idle_rss_mb": 40,
    "image_mb": 150,
    # hello with OpenTelemetry tracing on (every request sampled, exported to a local
    # sink) vs off: rps lost at most this share
    "tracing_overhead": 0.05,
}
OTLP_SINK = os.path.join(ROOT, "tests", "helpers", "otlp-sink.py")


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


def metric_value(text, name):
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == name:
            return float(parts[1])
    return None


def bench_tracing(seconds, rounds=3, conns=32):
    """hello throughput with tracing off and on (sampler always_on, OTLP/HTTP to a local
    sink that discards what it gets), alternating, `rounds` runs each; the overhead is
    1 - median(on) / median(off)."""
    sink_dir = tempfile.mkdtemp(prefix="pyfn-bench-otlp-")
    sink = subprocess.Popen([sys.executable, OTLP_SINK, sink_dir, "--discard"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        port_file = os.path.join(sink_dir, "port")
        for _ in range(100):
            if os.path.exists(port_file):
                break
            time.sleep(0.05)
        with open(port_file) as f:
            endpoint = "http://127.0.0.1:%s" % f.read().strip()
        mport = free_port()
        envs = {
            "off": {},
            "on": {"OTEL_EXPORTER_OTLP_ENDPOINT": endpoint, "OTEL_TRACES_SAMPLER": "always_on",
                   "OTEL_SERVICE_NAME": "pyfn-bench", "PYFN_METRICS_PORT": str(mport)},
        }
        rps = {"off": [], "on": []}
        lat = {"off": [], "on": []}
        exported = dropped = None
        for i in range(rounds):
            for mode in ("off", "on"):
                host = Host(APPS["v1"], env=envs[mode])
                try:
                    host.wait_ready()
                    wrk(host.base + "/api/hello", conns, 1)  # warm-up
                    r = wrk(host.base + "/api/hello", conns, seconds)
                    rps[mode].append(r["rps"])
                    lat[mode].append(r["p50_ms"])
                    if mode == "on" and i == rounds - 1:
                        time.sleep(6)  # one schedule delay: the last batch goes out
                        with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % mport,
                                                    timeout=5) as resp:
                            text = resp.read().decode()
                        exported = metric_value(text, "pyfn_otel_spans_exported_total")
                        dropped = sum(metric_value(text, 'pyfn_otel_spans_dropped_total{reason="%s"}'
                                                   % k) or 0 for k in ("queue_full", "export_failed"))
                finally:
                    host.stop()
        off, on = statistics.median(rps["off"]), statistics.median(rps["on"])
        return {"conns": conns, "seconds": seconds, "rps_off": rps["off"], "rps_on": rps["on"],
                "p50_ms_off": lat["off"], "p50_ms_on": lat["on"],
                "median_rps_off": off, "median_rps_on": on,
                "overhead": 1 - on / off if off else None,
                "last_run_spans_exported": exported, "last_run_spans_dropped": dropped,
                "host_instructions_per_request": tracing_instructions()}
    finally:
        os.killpg(sink.pid, signal.SIGTERM)
        sink.wait()


def tracing_instructions(requests=400):
    """The host's instructions per hello request (callgrind, bench/profile.sh) with tracing
    off, on with OTLP/JSON and on with OTLP/protobuf: repeatable where rps is not."""
    profile = os.path.join(ROOT, "bench", "profile.sh")
    out = {}
    for mode, env in (("off", {}), ("json", {"TRACING": "1"}),
                      ("protobuf", {"TRACING": "1",
                                    "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf"})):
        try:
            r = subprocess.run([profile, str(requests)], capture_output=True, text=True,
                               check=True, env=dict(os.environ, SIDES="host", **env))
            host = json.loads(r.stdout.strip().splitlines()[-1])["host"]
            out[mode] = host["total (all threads)"]
        except Exception as e:  # valgrind missing or the profile failed: say so, go on
            return {"error": str(e)}
    for mode in ("json", "protobuf"):
        out["overhead_" + mode] = out[mode] / out["off"] - 1
    return out


def cpu_ms(pid):
    """user + system CPU time of a process so far (ms); less noisy than wall time."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1000.0 / os.sysconf("SC_CLK_TCK")
    except OSError:
        return None


def bench_coldstart(app, runs):
    times = []
    worker_cpu = []
    idle = None
    for i in range(runs):
        host = Host(app)
        try:
            times.append(host.wait_ready() * 1000.0)
            _, kids = host.pids()
            if kids:
                worker_cpu.append(cpu_ms(kids[0]))
            if i == 0:
                time.sleep(1.0)
                idle = memory(host)
        finally:
            host.stop()
    cpu = [c for c in worker_cpu if c is not None]
    return statistics.median(times), times, idle, (statistics.median(cpu) if cpu else None)


def bench_import_floor(runs, code="import azure.functions"):
    env = dict(os.environ, PYTHONPATH=PYDIR)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(["/usr/bin/python3", "-c", code], env=env, check=True)
        times.append((time.perf_counter() - t0) * 1000.0)
    return statistics.median(times)


def bench_concurrency(seconds):
    """The concurrency rows: a sync function sleeping 20 ms under 64 connections
    (bound: threads / 20 ms), an async one awaiting asyncio.sleep(0.02) under 256
    (bound: 256 / 20 ms, or the host's ceiling when that is lower; also compared with
    the same async function without the wait), and a 64 KiB JSON echo under 32. The two
    async rows run again on uvloop (PYFN_EVENT_LOOP=uvloop, Debian's python3-uvloop
    fetched into a copy of the app) when the archive can be reached."""
    rows = []
    host = Host(CONCURRENCY_APP, env={"PYTHON_THREADPOOL_THREAD_COUNT": str(SLEEP_THREADS)})
    try:
        host.wait_ready("/api/sleep_sync")
        ping = host.base + "/admin/host/ping"
        wrk(ping, 256, max(1, seconds // 5))
        ceiling = wrk(ping, 256, seconds)["rps"]
        rows += async_rows(host, seconds, ceiling, "")
        url = host.base + "/api/sleep_sync"
        wrk(url, 64, max(1, seconds // 5))  # warm-up
        r = wrk(url, 64, seconds)
        bound = SLEEP_THREADS / SLEEP_S
        r.update({"target": "sleep-sync-20ms", "conns": 64, "workers": 1, "bound_rps": bound,
                  "ratio_to_bound": r["rps"] / bound, "threads": SLEEP_THREADS})
        rows.append(r)
    finally:
        host.stop()
    uv_app = app_with_uvloop()
    if uv_app:
        host = Host(uv_app, env={"PYFN_EVENT_LOOP": "uvloop"})
        try:
            host.wait_ready("/api/async_nowait")
            rows += async_rows(host, seconds, ceiling, " uvloop",
                               os.path.join(uv_app, ".python_packages", "lib", "site-packages"))
        finally:
            host.stop()
            shutil.rmtree(os.path.dirname(uv_app), ignore_errors=True)
    host = Host(APPS["v1"])
    try:
        host.wait_ready()
        url = host.base + "/api/echo"
        wrk(url, 32, max(1, seconds // 5), ECHO64K_LUA)
        r = wrk(url, 32, seconds, ECHO64K_LUA)
        r.update({"target": "echo-64KiB", "conns": 32, "workers": 1})
        rows.append(r)
    finally:
        host.stop()
    return rows


def async_rows(host, seconds, ceiling, suffix, uvloop_path=None):
    """async-nowait and sleep-async-20ms under 256 connections on `host`, and the same
    wait served by a bare asyncio server (the floor; on uvloop from uvloop_path)."""
    rows = []
    wrk(host.base + "/api/async_nowait", 256, max(1, seconds // 5))
    nowait = wrk(host.base + "/api/async_nowait", 256, seconds)
    nowait.update({"target": "async-nowait" + suffix, "conns": 256, "workers": 1})
    rows.append(nowait)
    url = host.base + "/api/sleep_async"
    wrk(url, 256, max(1, seconds // 5))  # warm-up
    r = wrk(url, 256, seconds)
    bound = min(256 / SLEEP_S, ceiling)
    r.update({"target": "sleep-async-20ms" + suffix, "conns": 256, "workers": 1,
              "bound_rps": bound, "ratio_to_bound": r["rps"] / bound,
              "ceiling_rps_c256": ceiling, "async_nowait_rps_c256": nowait["rps"],
              "ratio_to_function_ceiling": r["rps"] / min(256 / SLEEP_S, nowait["rps"])})
    rows.append(r)
    floor = asyncio_floor(seconds, uvloop_path)
    if floor:
        floor.update({"target": "sleep-async-20ms floor" + suffix, "conns": 256, "workers": 0,
                      "bound_rps": 256 / SLEEP_S, "ratio_to_bound": floor["rps"] * SLEEP_S / 256})
        r["asyncio_floor_rps"] = floor["rps"]
        r["ratio_to_asyncio_floor"] = r["rps"] / floor["rps"]
        rows.append(floor)
    return rows


def asyncio_floor(seconds, uvloop_path=None):
    """wrk against bench/asyncio_floor.py (a bare asyncio HTTP server awaiting the same
    20 ms, no pyfn) under 256 connections, on the worker's CPython (/usr/bin/python3);
    None (printed why) when it cannot run."""
    cmd = ["/usr/bin/python3", os.path.join(ROOT, "bench", "asyncio_floor.py"),
           "--sleep", str(SLEEP_S)]
    env = dict(os.environ)
    if uvloop_path:
        cmd.append("--uvloop")
        env["PYTHONPATH"] = uvloop_path
    server = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              text=True, env=env)
    try:
        port = server.stdout.readline().strip()
        if not port.isdigit():
            print("bench: no asyncio floor row (%s did not start)" % cmd[1], file=sys.stderr)
            return None
        url = "http://127.0.0.1:%s/" % port
        wrk(url, 256, max(1, seconds // 5))  # warm-up
        return wrk(url, 256, seconds)
    finally:
        server.kill()
        server.wait()


def app_with_uvloop():
    """A copy of the concurrency app with Debian's python3-uvloop (this machine's
    release) in its .python_packages, or None (printed why) when it cannot be fetched."""
    app = os.path.join(tempfile.mkdtemp(prefix="pyfn-bench-uvloop-"), "app")
    shutil.copytree(CONCURRENCY_APP, app)
    fetch = os.path.join(ROOT, "tests", "helpers", "fetch-debian-python.sh")
    r = subprocess.run([fetch, "-l", app, "python3-uvloop"], capture_output=True, text=True)
    if r.returncode != 0:
        print("bench: no uvloop rows (fetching python3-uvloop failed: %s)" %
              (r.stderr or r.stdout).strip().splitlines()[-1:], file=sys.stderr)
        return None
    return app


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


def first_byte_ms(base, path):
    """(ms to the first body byte, ms to the end) of one GET over a raw socket."""
    host, port = base[len("http://"):].split(":")
    t0 = time.perf_counter()
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.sendall(("GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" %
                   (path, base[len("http://"):])).encode())
        buf, first = b"", None
        while True:
            data = s.recv(65536)
            if not data:
                break
            buf += data
            if first is None and b"\r\n\r\n" in buf and buf.split(b"\r\n\r\n", 1)[1]:
                first = time.perf_counter()
    end = time.perf_counter()
    return ((first or end) - t0) * 1000, (end - t0) * 1000


def download_mb_s(base, path):
    """MB/s of one GET whose body is read and dropped (urllib, 1 MiB reads)."""
    t0 = time.perf_counter()
    n = 0
    with urllib.request.urlopen(base + path, timeout=300) as r:
        while True:
            data = r.read(1 << 20)
            if not data:
                break
            n += len(data)
    return n / (1 << 20) / (time.perf_counter() - t0), n


def bench_streaming(runs, mib):
    """Time to first byte of a response whose second piece comes 0.5 s after the first, and
    the throughput of an N MiB download from a generator: through the streaming endpoint
    (HttpUri), and for the first byte also with PYFN_HTTP_STREAMING=0 (RpcHttp: the
    whole response is buffered, so the first byte waits for the last)."""
    rows = {}
    for mode, env in (("streaming", {}), ("buffered", {"PYFN_HTTP_STREAMING": "0"})):
        h = Host(STREAMING_APP, env=env)
        try:
            h.wait_ready("/ping")
            ttfb = [first_byte_ms(h.base, "/first?pause=0.5") for _ in range(runs)]
            row = {"ttfb_ms_median": statistics.median(t[0] for t in ttfb),
                   "total_ms_median": statistics.median(t[1] for t in ttfb)}
            if mode == "streaming":
                hp, kids = h.pids()
                rate, n = download_mb_s(h.base, "/download?mib=%d" % mib)
                row.update({"download_mib": n >> 20, "download_mb_s": rate,
                            "host_mb_after": rss_mb(hp),
                            "workers_mb_after": [rss_mb(k) for k in kids]})
            rows[mode] = row
        finally:
            h.stop()
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="2 s runs, 3 cold starts (smoke test)")
    ap.add_argument("--only",
                    default="coldstart,throughput,concurrency,breakdown,tracing,streaming,images")
    ap.add_argument("--python-dir", help="the worker's Python side from this directory "
                    "(PYFN_PYTHON_DIR), e.g. worker/python")
    ap.add_argument("--prefix", help="measure the binaries installed under this directory "
                    "(default out; `make bench` passes out/release)")
    args = ap.parse_args()
    global HOST, PYDIR
    if args.prefix:
        HOST = os.path.join(os.path.abspath(args.prefix), "bin", "pyfn-host")
        PYDIR = os.path.join(os.path.abspath(args.prefix), "lib", "pyfn", "python")
    if args.python_dir:
        PYDIR = os.path.abspath(args.python_dir)
        os.environ["PYFN_PYTHON_DIR"] = PYDIR
    only = set(args.only.split(","))
    seconds = 2 if args.quick else 10
    runs = 3 if args.quick else 10

    if not os.access(HOST, os.X_OK):
        sys.exit("bench: %s missing; run `make build` (or `make release`) first" % HOST)
    os.makedirs(os.path.join(OUT, "bench"), exist_ok=True)
    results = {
        "host": HOST,
        "python_dir": PYDIR,
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
            med, all_ms, idle, cpu = bench_coldstart(app, runs)
            results.setdefault("cold_start", {})[model] = {
                "median_ms": med, "runs_ms": all_ms, "worker_cpu_ms_median": cpu}
            results.setdefault("idle_rss", {})[model] = idle
        results["import_floor_ms"] = bench_import_floor(runs)
        results["python_floor_ms"] = bench_import_floor(runs, "pass")

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

    if "concurrency" in only:
        results["concurrency"] = bench_concurrency(seconds)

    if "breakdown" in only:
        results["breakdown"] = bench_breakdown(300 if args.quick else 1000)

    if "tracing" in only:
        results["tracing"] = bench_tracing(seconds, rounds=2 if args.quick else 3)

    if "streaming" in only:
        results["streaming"] = bench_streaming(3 if args.quick else 10,
                                               128 if args.quick else 1024)

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
            print("cold start (%s, exec -> first 200): median %.0f ms over %d runs (goal <= %d ms); "
                  "worker CPU by then %s ms" %
                  (model, c["median_ms"], len(c["runs_ms"]), GOALS["cold_start_ms"],
                   fmt(c.get("worker_cpu_ms_median"), "%.0f")))
        print("floor: python3 -c 'import azure.functions': median %.0f ms (python3 -c pass: %s ms)" %
              (r["import_floor_ms"], fmt(r.get("python_floor_ms"), "%.0f")))
        for model, m in r.get("idle_rss", {}).items():
            if m:
                total = (m["host_mb"] or 0) + sum(w or 0 for w in m["workers_mb"])
                print("idle RSS (%s): host %s MB, workers %s MB, total %.1f MB (goal <= %d MB)" %
                      (model, fmt(m["host_mb"]), [fmt(w) for w in m["workers_mb"]], total,
                       GOALS["idle_rss_mb"]))
    if r.get("concurrency"):
        print("\n%-30s %5s %10s %10s %7s %8s %8s %7s" %
              ("concurrency", "conns", "rps", "bound", "ratio", "p50 ms", "p99 ms", "errors"))
        for x in r["concurrency"]:
            print("%-30s %5d %10.0f %10s %7s %8s %8s %7d" %
                  (x["target"], x["conns"], x["rps"], fmt(x.get("bound_rps"), "%.0f"),
                   fmt(x.get("ratio_to_bound"), "%.2f"), fmt(x["p50_ms"], "%.2f"),
                   fmt(x["p99_ms"], "%.2f"), x["errors"]))
        print("goal: sleep rows >= %.1f of their bound (sync: %d threads / 20 ms; async: "
              "min(256 / 20 ms, host ceiling))" % (GOALS["ratio_sleep_to_bound"], SLEEP_THREADS))
        for x in r["concurrency"]:
            if "ratio_to_function_ceiling" in x:
                print("%s against the same async function without the wait (%.0f rps): %.2f "
                      "(what waiting costs, apart from the per-invocation cost)" %
                      (x["target"], x["async_nowait_rps_c256"], x["ratio_to_function_ceiling"]))
            if "ratio_to_asyncio_floor" in x:
                print("%s against a bare asyncio server awaiting the same 20 ms (no pyfn, "
                      "bench/asyncio_floor.py; %.0f rps): %.2f" %
                      (x["target"], x["asyncio_floor_rps"], x["ratio_to_asyncio_floor"]))
    if r.get("streaming"):
        print()
        for mode, x in r["streaming"].items():
            line = ("streaming HTTP (%s): first byte %.1f ms, whole 2-piece answer %.1f ms "
                    "(second piece 500 ms after the first)" %
                    (mode, x["ttfb_ms_median"], x["total_ms_median"]))
            if "download_mb_s" in x:
                line += "; %d MiB download %.0f MB/s, RSS after: host %s MB, workers %s MB" % (
                    x["download_mib"], x["download_mb_s"], fmt(x["host_mb_after"]),
                    [fmt(w) for w in x["workers_mb_after"]])
            print(line)
    for k, m in r.get("rss_after_load", {}).items():
        print("RSS after load (%s): host %s MB, workers %s MB" %
              (k, fmt(m["host_mb"]), [fmt(w) for w in m["workers_mb"]]))
    t = r.get("tracing")
    if t:
        print("\nhello with tracing (always_on, OTLP/HTTP JSON to a local sink), %d conns, "
              "%d s runs alternating:" % (t["conns"], t["seconds"]))
        print("  off: rps %s (median %.0f)   on: rps %s (median %.0f)   overhead %s "
              "(goal <= %.0f %%)" %
              ([round(x) for x in t["rps_off"]], t["median_rps_off"],
               [round(x) for x in t["rps_on"]], t["median_rps_on"],
               fmt(None if t["overhead"] is None else 100 * t["overhead"], "%.1f %%"),
               100 * GOALS["tracing_overhead"]))
        print("  last run: %s spans exported, %s dropped" %
              (fmt(t["last_run_spans_exported"], "%.0f"), fmt(t["last_run_spans_dropped"], "%.0f")))
        ins = t.get("host_instructions_per_request") or {}
        if "error" in ins:
            print("  host instructions per request (callgrind): %s" % ins["error"])
        elif ins:
            print("  host instructions per request (callgrind): off %d, on %d with OTLP/JSON "
                  "(+%.1f %%), %d with OTLP/protobuf (+%.1f %%)" %
                  (ins["off"], ins["json"], 100 * ins["overhead_json"], ins["protobuf"],
                   100 * ins["overhead_protobuf"]))
    b = r.get("breakdown")
    if b:
        ipr = b["instructions_per_request"]
        if "error" not in ipr:
            print("\nper-invocation cost, instructions per request (callgrind, %d requests):" %
                  ipr["requests"])
            for side in ("host", "worker"):
                # The host's rows are in the order of a request's path (by thread).
                rows = ipr[side].items() if side == "host" else \
                    sorted(ipr[side].items(), key=lambda kv: -kv[1])
                for k, v in rows:
                    print("  %-7s %-72s %10d" % (side, k, v))
        print("worker stages, microseconds per invocation (in-process, no gRPC):")
        for fn in ("hello", "echo"):
            st = b["worker_stages_us"][fn]
            print("  %-6s total %6.1f  decode %6.1f  call+pool hop %6.1f  encode %6.1f  "
                  "sync fast path end to end %s" %
                  (fn, st["total_us"], st["decode_us"], st["call_and_pool_hop_us"], st["encode_us"],
                   fmt(st.get("fast_total_us"))))
    if r.get("images"):
        print("\nimages (uncompressed):")
        for name, size in sorted(r["images"].items()):
            print("  %-48s %s" % (name, size))


if __name__ == "__main__":
    main()
