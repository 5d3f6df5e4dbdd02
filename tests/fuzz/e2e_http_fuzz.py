#!/usr/bin/env python3
"""End-to-end HTTP fuzz/abuse driver for pyfn-host + pyfn-worker (stdlib only).

Starts out/bin/pyfn-host on tests/apps/fuzz-target (own session, killed at exit), waits for
/admin/health/ready, then for --seconds sends random and mutated raw HTTP requests over raw
sockets in batches (--batch, default 200; --threads at once): bad bytes (0x80-0xFF, NUL,
CR/LF, invalid and overlong UTF-8, UTF-8-encoded surrogates) in the method, path, route
segments, query names and values (raw and %XX), header names and values, Cookie and Host;
JSON, urlencoded, multipart (broken boundaries, non-UTF-8 file and field names) and
text/plain bodies; chunked bodies with good and broken sizes, extensions and trailers;
pipelined requests; Content-Length mismatches. Mutations start from a corpus of valid
requests. Every request is sent, then the write side is shut down, and the answer is read
until the server closes: a connection still open --timeout seconds after the last byte is a
hang.

After every batch: (a) the host lives and its worker PIDs (children of the host) and
pyfn_worker_restarts_total (/metrics on PYFN_METRICS_PORT) are unchanged; (b) the known-good
request (GET /api/hello?name=ok) answers 200 with the body it gave after warm-up; (c) the
RSS of host and worker stays within --rss-bound-mib of the value after warm-up.
On a failure the batch is written, one repr(bytes) per line, to out/fuzz/e2e/ and can be
replayed one request at a time (checking the worker after each) with --replay FILE.

Any answer is allowed to a fuzz request; 5xx answers are counted per status. Ends with:
  e2e-http: N requests, M batches, worker restarts R, host crashes C, status counts {...},
  host RSS a->b KiB, worker RSS c->d KiB
and exits 1 on a worker restart, host crash, hang, known-good failure or RSS beyond bound.

Usage: tests/fuzz/e2e_http_fuzz.py [--seconds 60] [--seed N] [--batch 200] [--replay FILE]
"""
import argparse
import ast
import collections
import concurrent.futures
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.environ.get("OUT", os.path.join(ROOT, "out"))
if not os.path.isabs(OUT):
    OUT = os.path.join(ROOT, OUT)
GOOD_PATH = "/api/hello?name=ok"

# ---------------------------------------------------------------------------------------
# the pyfn-host under test


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid):
    """PIDs whose parent is pid (what `pgrep -P pid` prints)."""
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat", "rb") as f:
                st = f.read()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces and parentheses
        rest = st[st.rfind(b")") + 2:].split()
        if len(rest) > 1 and int(rest[1]) == pid:
            out.append(int(d))
    return sorted(out)


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class Host:
    """pyfn-host on a free loopback port, in its own session; the metrics port beside it."""

    def __init__(self, bin_dir, app, log_dir, env=None, name="host"):
        self.bin = os.path.join(os.path.abspath(bin_dir), "pyfn-host")
        self.app = app
        self.port = free_port()
        self.metrics_port = free_port()
        os.makedirs(log_dir, exist_ok=True)
        self.log_path = os.path.join(log_dir, f"{name}-{self.port}.log")
        self.env = dict(os.environ)
        self.env.update({"PYFN_METRICS_PORT": str(self.metrics_port),
                         "AzureWebJobsSecretStorageType": "memory"})
        self.env.update(env or {})
        self.proc = None
        self.stopped = False

    def start(self, timeout=60):
        if not os.access(self.bin, os.X_OK):
            raise SystemExit(f"{self.bin} is missing (make build)")
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [self.bin, "--script-root", self.app, "--port", str(self.port)],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT,
            env=self.env, cwd=self.app, start_new_session=True)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"pyfn-host exited during start ({self.proc.returncode}); "
                                 f"log: {self.log_path}")
            st, _ = http_get(self.port, "/admin/health/ready", 1.0)
            if st == 200:
                return
            time.sleep(0.1)
        raise SystemExit(f"pyfn-host not ready after {timeout}s; log: {self.log_path}")

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def workers(self):
        return children(self.proc.pid) if self.alive() else []

    def restarts(self):
        """pyfn_worker_restarts_total, or None when /metrics does not answer."""
        st, body = http_get(self.metrics_port, "/metrics", 2.0)
        if st != 200:
            return None
        m = re.search(rb"^pyfn_worker_restarts_total (\d+)", body, re.M)
        return int(m.group(1)) if m else None

    def rss(self):
        w = self.workers()
        return rss_kib(self.proc.pid), sum(rss_kib(p) for p in w)

    def stop(self):
        if self.proc is None or self.stopped:
            return
        self.stopped = True
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                pass
        # whatever is left of the session (workers have their own process groups)
        sid = self.proc.pid
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    if os.getsid(int(d)) == sid:
                        os.kill(int(d), signal.SIGKILL)
                except OSError:
                    pass
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            pass
        self.log.close()


def http_get(port, path, timeout):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except Exception:
        return None, b""

# ---------------------------------------------------------------------------------------
# sending raw requests


STATUS_RE = re.compile(rb"HTTP/1\.[01] (\d{3})[^\r\n]*\r\n")
CL_RE = re.compile(rb"(?im)^content-length:[ \t]*(\d+)")
TE_RE = re.compile(rb"(?im)^transfer-encoding:.*chunked")


def statuses(got):
    """The status codes of the responses in got, in order (bodies skipped by their framing,
    so a body that says HTTP/1.1 is not counted; pipelined answers follow each other)."""
    out = []
    i = 0
    while True:
        m = STATUS_RE.search(got, i)
        if not m:
            return out
        st = int(m.group(1))
        out.append(st)
        end = got.find(b"\r\n\r\n", m.end() - 2)
        if end < 0:
            return out
        head, j = got[m.end():end], end + 4
        cl = CL_RE.search(head)
        if 100 <= st < 200 or st in (204, 304) or got.startswith(b"HTTP/1.", j):
            i = j  # no body (or a HEAD answer)
        elif TE_RE.search(head):
            while True:
                e = got.find(b"\r\n", j)
                if e < 0:
                    return out
                try:
                    n = int(got[j:e].split(b";")[0], 16)
                except ValueError:
                    return out
                j = e + 2 + n + 2
                if n == 0:
                    t = got.find(b"\r\n\r\n", e)  # trailers, if any
                    i = e + 4 if got.startswith(b"\r\n", e + 2) else (t + 4 if t >= 0 else j)
                    break
        elif cl:
            i = j + int(cl.group(1))
        else:
            return out  # body until close


def send_raw(port, data, timeout, chunk=0, delay=0.0):
    """Send data, shut the write side, read until the server closes.
    Returns (statuses, outcome, seconds): outcome is closed, reset or hang."""
    t0 = time.monotonic()
    got = b""
    outcome = "closed"
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    except OSError:
        return [], "connect-failed", 0.0, b""
    try:
        s.settimeout(timeout)
        try:
            if chunk <= 0:
                s.sendall(data)
            else:
                for i in range(0, len(data), chunk):
                    s.sendall(data[i:i + chunk])
                    time.sleep(delay)
            s.shutdown(socket.SHUT_WR)
        except socket.timeout:
            outcome = "hang"
        except OSError:  # reset, broken pipe, not connected: the server closed first
            pass
        deadline = time.monotonic() + timeout
        while outcome != "hang":
            left = deadline - time.monotonic()
            if left <= 0:
                outcome = "hang"
                break
            s.settimeout(left)
            try:
                b = s.recv(65536)
            except socket.timeout:
                outcome = "hang"
                break
            except OSError:
                outcome = "reset"
                break
            if not b:
                break
            got += b
    finally:
        s.close()
    return statuses(got), outcome, time.monotonic() - t0, got

# ---------------------------------------------------------------------------------------
# request generation


BAD = [b"\xff", b"\xfe", b"\x80", b"\xbf", b"\xc0\xaf", b"\xc0\x80", b"\xc1\xbf", b"\xe0\x80\xaf",
       b"\xf0\x80\x80\xaf", b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\xed\xa0\xbd\xed\xb8\x80",
       b"\xf4\x90\x80\x80", b"\xf8\x88\x80\x80\x80", b"\xfc\x84\x80\x80\x80\x80", b"\xc3",
       b"\xe2\x82", b"\xf0\x9f\x98", b"\x00", b"\r", b"\n", b"\r\n", b"\t", b" ", b"\x7f",
       b"\x1b", b"\x0b", b"\x0c"]
ESC = [b"%FF", b"%fe", b"%80", b"%C0%AF", b"%c0%80", b"%E0%80%AF", b"%ED%A0%80",
       b"%ED%BF%BF", b"%F4%90%80%80", b"%F8%88%80%80%80", b"%C3", b"%E2%82", b"%00", b"%0D%0A",
       b"%", b"%F", b"%G0", b"%%", b"%2", b"%25FF", b"%u00FF", b"%C3%A9", b"%E2%82%AC",
       b"%F0%9F%98%80", b"%2F", b"%3F", b"%23", b"%26", b"%3D", b"+"]
GOODU = ["\u00e9", "\u20ac", "\U0001f600", "\u2028", "\ufeff", "\uffff", "\u0301", "\u4e2d"]
WORDS = [b"a", b"name", b"x", b"ok", b"..", b".", b"/", b"//", b"~", b"code", b"route",
         b"%2e%2e", b"\\", b"?", b"#", b"&", b"=", b";", b",", b"'", b'"', b"<", b">", b"{",
         b"}", b"|", b"^", b"`", b"[", b"]", b"@", b":", b"*"]
METHODS = [b"GET", b"POST", b"PUT", b"PATCH", b"DELETE", b"HEAD", b"OPTIONS", b"TRACE",
           b"CONNECT", b"get", b"PoSt", b"PROPFIND", b"X" * 40, b"G\xffT", b"GE\x00T", b"",
           b"\xc3\x89GET", b"GET GET"]
CHARSETS = [b"utf-8", b"latin-1", b"iso-8859-1", b"utf-16", b"utf-16le", b"utf-32",
            b"ascii", b"cp1252", b"shift_jis", b"utf-7", b"xyz", b"\xff", b"", b'"utf-8"',
            b"utf-8'en'x", b"rot13", b"base64", b"idna", b"punycode", b"unicode_escape"]


# Bytes the HTTP parser rejects anyway: "clean" requests leave them out of the target
# (TARGET_FORBID) and header values (VALUE_FORBID), so that they reach the worker with only
# their bytes >= 0x80 (and %XX escapes) odd.
TARGET_FORBID = bytes(range(0x21)) + b"\x7f#"
VALUE_FORBID = bytes(b for b in range(0x20) if b != 0x09) + b"\x7f"


class Gen:
    def __init__(self, rng):
        self.r = rng
        self.forbid = b""
        self.clean = False
        self.utf8_only = False

    def pick(self, seq):
        return seq[self.r.randrange(len(seq))]

    def rbytes(self, n, lo=0, hi=255):
        return bytes(self.r.randint(lo, hi) for _ in range(n))

    def junk(self, n=None, esc=True, raw=True):
        """A short string mixing plain text, valid UTF-8, bad bytes and %XX."""
        r = self.r
        out = []
        for _ in range(n if n is not None else r.randint(0, 6)):
            k = r.random()
            if k < 0.3:
                out.append(self.pick(WORDS) if r.random() < 0.3 else
                           bytes(r.choice(b"abcdefghijklmnopqrstuvwxyz0123456789-_.")
                                 for _ in range(r.randint(1, 8))))
            elif k < 0.45:
                out.append(self.pick(GOODU).encode())
            elif k < 0.7 and raw and self.utf8_only:
                out.append(self.pick(GOODU).encode())
            elif k < 0.7 and raw:
                out.append(self.pick(BAD) if r.random() < 0.8 else self.rbytes(r.randint(1, 4)))
            elif esc:
                out.append(self.pick(ESC) if r.random() < 0.8 else
                           b"%%%02X" % r.randrange(256))
            else:
                out.append(b"z")
        s = b"".join(out)
        return s.translate(None, self.forbid) if self.forbid else s

    def target(self):
        if self.clean:
            self.forbid = TARGET_FORBID
        try:
            return self._target()
        finally:
            self.forbid = b""

    def _target(self):
        r = self.r
        k = r.random()
        raw = r.random() < 0.5
        if k < 0.45:
            segs = [self.junk(raw=raw) or b"s" for _ in range(r.randint(1, 4))]
            path = b"/api/inspect/" + b"/".join(segs)
        elif k < 0.7:
            path = b"/api/hello"
        elif k < 0.75:
            path = b"/api/pid"
        elif k < 0.85:
            path = b"/api/" + self.junk(raw=raw)
        elif k < 0.9:
            path = self.pick([b"/admin/host/status", b"/admin/health/ready", b"/admin/metrics",
                              b"/admin/host/keys", b"/", b"", b"*", b"/api",
                              b"http://127.0.0.1/api/hello", b"/api/inspect/a/b"])
        else:
            path = self.junk(raw=True)
        if r.random() < 0.7:
            q = []
            for _ in range(r.randint(0, 5)):
                name = self.pick([b"name", b"code", b"x"]) if r.random() < 0.4 else self.junk(raw=raw)
                if r.random() < 0.15:
                    q.append(name)
                else:
                    q.append(name + b"=" + self.junk(raw=raw))
            path += b"?" + b"&".join(q)
        if r.random() < 0.05:
            path += b"#" + self.junk()
        return path

    def header_block(self, host=True):
        r = self.r
        hs = []
        if host:
            hs.append((b"Host", self.pick([b"127.0.0.1", b"x", b"localhost:80"]) if r.random() < 0.8
                       else self.value()))
        for _ in range(r.randint(0, 6)):
            k = r.random()
            if k < 0.5:
                name = self.pick([b"X-Bad", b"User-Agent", b"Accept", b"Referer", b"X-Forwarded-For",
                                  b"Origin", b"Authorization", b"x-functions-key",
                                  b"Accept-Language", b"If-None-Match", b"Range", b"X-A"])
            elif k < 0.8:
                name = b"X-" + self.junk(raw=False, esc=False)
            else:
                name = self.junk()
            hs.append((name, self.value()))
        if r.random() < 0.35:
            c = []
            for _ in range(r.randint(1, 4)):
                c.append(self.junk(2, esc=False).translate(None, b"=;") + b"=" + self.value())
            hs.append((b"Cookie", b"; ".join(c)))
        if self.clean:
            hs = [(k.translate(None, bytes(range(0x21)) + b":\x7f") or b"X-E", v) for k, v in hs]
            return hs
        if r.random() < 0.02:
            hs.append((b"X-Big", b"v" * r.choice([8000, 33000])))
        if r.random() < 0.02:
            hs += [(b"X-N%d" % i, b"1") for i in range(r.choice([50, 101, 150]))]
        if r.random() < 0.03:
            hs.append((b"X-Fold", b"a\r\n  folded \xff"))
        return hs

    def value(self):
        """A header value; without the bytes the parser rejects when clean."""
        v = self.junk()
        return v.translate(None, VALUE_FORBID) if self.clean else v

    def body(self):
        """(content type or None, body bytes)"""
        r = self.r
        k = r.random()
        if k < 0.2:
            return self.pick([b"application/json", b"application/json; charset=utf-8",
                              b"application/json; charset=" + self.pick(CHARSETS)]), self.json_body()
        if k < 0.4:
            pairs = [self.junk() + b"=" + self.junk() for _ in range(r.randint(0, 6))]
            ct = b"application/x-www-form-urlencoded"
            if r.random() < 0.3:
                ct += b"; charset=" + self.pick(CHARSETS)
            return ct, b"&".join(pairs)
        if k < 0.65:
            return self.multipart()
        if k < 0.8:
            return b"text/plain; charset=" + self.pick(CHARSETS), self.rbytes(r.randint(0, 200))
        if k < 0.9:
            return None, self.rbytes(r.randint(0, 300))
        return self.junk(), self.junk(r.randint(0, 20))

    def json_body(self):
        r = self.r
        k = r.random()
        if k < 0.3:
            return json.dumps({"a": [1, 2.5, None, True], "s": "t\u00e9"}).encode()
        if k < 0.55:
            return b'{"k": "' + self.junk() + b'", "' + self.junk() + b'": 1}'
        if k < 0.65:
            d = r.choice([100, 1000, 100000])
            return b"[" * d + b"]" * (d if r.random() < 0.5 else 0)
        if k < 0.75:
            return b'"\\ud800\\udc00\\ud800 \\u0000"'
        if k < 0.85:
            return self.pick([b"", b" ", b"nul", b"1e999999", b"-", b"{", b'{"a":', b"NaN",
                              b"\xef\xbb\xbf{}", b"\xff\xfe{\x00}\x00", b"9" * 5000])
        return self.rbytes(r.randint(1, 100))

    def multipart(self):
        r = self.r
        b = self.pick([b"XyZ", b"----b0undary", b"a" * 100, b"\xff\xfe", b"b\r\nc", b"",
                       b'"quoted"', b"x;y", self.junk(esc=False) or b"j"])
        ct = b"multipart/form-data; boundary=" + b
        if r.random() < 0.1:
            ct = b"multipart/form-data"
        if r.random() < 0.1:
            ct += b"; charset=" + self.pick(CHARSETS)
        bb = b.strip(b'"')
        if r.random() < 0.2:
            bb = self.pick([b"other", bb + b"x", bb[:-1]])
        parts = []
        for _ in range(r.randint(0, 4)):
            name = self.junk(esc=False) if r.random() < 0.5 else b"f"
            disp = b'form-data; name="' + name + b'"'
            if r.random() < 0.5:
                fn = self.junk(esc=False)
                disp += self.pick([b'; filename="' + fn + b'"',
                                   b"; filename*=UTF-8''" + self.junk(raw=False),
                                   b"; filename*=" + self.pick(CHARSETS) + b"''" + self.junk(),
                                   b"; filename=" + fn])
            h = b"Content-Disposition: " + disp + b"\r\n"
            if r.random() < 0.4:
                h += b"Content-Type: text/plain; charset=" + self.pick(CHARSETS) + b"\r\n"
            if r.random() < 0.15:
                h += b"Content-Transfer-Encoding: " + self.pick(
                    [b"base64", b"quoted-printable", b"7bit", b"\xff"]) + b"\r\n"
            data = self.rbytes(r.randint(0, 60)) if r.random() < 0.5 else self.junk()
            parts.append(b"--" + bb + b"\r\n" + h + b"\r\n" + data + b"\r\n")
        tail = self.pick([b"--" + bb + b"--\r\n", b"--" + bb + b"--", b"", b"--" + bb + b"\r\n",
                          b"--" + bb])
        return ct, b"".join(parts) + tail

    def frame(self, method, target, headers, ctype, body):
        r = self.r
        hs = list(headers)
        if ctype is not None:
            hs.append((b"Content-Type", ctype))
        k = r.random() * (0.8 if self.clean else 1.0)
        if k < 0.6 or not body and k < 0.8:
            if body or r.random() < 0.5:
                hs.append((b"Content-Length", b"%d" % len(body)))
            payload = body
        elif k < 0.8:
            hs.append((b"Transfer-Encoding", self.pick([b"chunked"] * 6 + [
                b"gzip, chunked", b"chunked, chunked", b"CHUNKED", b"\xffchunked", b"identity",
                b"chunked\x00"])))
            if r.random() < 0.05:
                hs.append((b"Content-Length", b"%d" % len(body)))
            payload = self.chunked(body)
        else:
            v = self.pick([b"%d" % max(0, len(body) - r.randint(1, 20)),
                           b"%d" % (len(body) + r.randint(1, 50)), b"-1", b"abc", b" 5", b"0x10",
                           b"99999999999999999999", b"1e3", b"%d, %d" % (len(body), len(body) + 1),
                           b"\xff"])
            hs.append((b"Content-Length", v))
            if r.random() < 0.2:
                hs.append((b"Content-Length", b"%d" % (len(body) + 1)))
            payload = body
        if r.random() < 0.05:
            hs.append((b"Expect", b"100-continue"))
        if r.random() < 0.1 and not self.clean:
            hs.append((b"Connection", self.pick([b"close", b"keep-alive", b"upgrade", b"\xff"])))
        r.shuffle(hs)
        version = b"HTTP/1.1" if r.random() < 0.95 or self.clean else self.pick(
            [b"HTTP/1.0", b"HTTP/2.0", b"HTTP/1.1\xff", b"HTTP/9.9", b"", b"http/1.1"])
        line = method + b" " + target + (b" " + version if version else b"")
        return line + b"\r\n" + b"".join(k + b": " + v + b"\r\n" for k, v in hs) + b"\r\n" + payload

    def chunked(self, body):
        r = self.r
        out = []
        i = 0
        while i < len(body):
            n = r.randint(1, max(1, len(body) - i))
            size = b"%x" % n
            k = r.random()
            if k < 0.1:
                size += b";ext=" + self.junk()
            elif k < 0.15 and not self.clean:
                size = self.pick([b"zz", b"-1", b"f" * 20, b"%x" % (n + 5), b"", b" %x" % n,
                                  b"0x%x" % n, b"\xff"])
            out.append(size + b"\r\n" + body[i:i + n] +
                       (b"\r\n" if self.clean else self.pick([b"\r\n"] * 9 + [b"", b"\n"])))
            i += n
        last = b"0"
        if r.random() < 0.1:
            last += b";e=\xff"
        trailers = b""
        if r.random() < 0.15:
            trailers = b"X-T: " + self.value() + b"\r\n"
        end = b"\r\n" if self.clean else self.pick([b"\r\n"] * 8 + [b"", b"\n"])
        return b"".join(out) + last + b"\r\n" + trailers + end

    def structured(self, clean=None):
        """A request built from parts; clean (60 %): only its bytes >= 0x80, %XX escapes and
        bodies are odd, so the HTTP parser accepts it (and, when they are valid UTF-8, the
        host passes it on to the worker)."""
        r = self.r
        self.clean = r.random() < 0.6 if clean is None else clean
        # Half the clean ones: raw bytes only as valid UTF-8 (odd characters, %XX escapes
        # that are not UTF-8), which the host passes on to the worker.
        self.utf8_only = self.clean and r.random() < 0.5
        try:
            if self.clean:
                method = self.pick(METHODS[:7])
            else:
                method = self.pick(METHODS[:7]) if r.random() < 0.9 else self.pick(METHODS)
            ctype, body = self.body() if (method not in (b"GET", b"HEAD") or r.random() < 0.2) \
                else (None, b"")
            if self.clean and ctype is not None:
                ctype = ctype.translate(None, VALUE_FORBID)
            return self.frame(method, self.target(), self.header_block(), ctype, body)
        finally:
            self.clean = self.utf8_only = False

    def mutate(self, data):
        r = self.r
        b = bytearray(data)
        for _ in range(r.randint(1, 6)):
            k = r.random()
            pos = r.randrange(len(b) + 1)
            if k < 0.25:
                ins = self.pick(BAD) if r.random() < 0.7 else self.pick(ESC)
                b[pos:pos] = ins
            elif k < 0.45 and b:
                b[min(pos, len(b) - 1)] = r.randrange(256)
            elif k < 0.6 and b:
                n = r.randint(1, 16)
                del b[pos:pos + n]
            elif k < 0.7 and b:
                n = r.randint(1, 32)
                b[pos:pos] = b[pos:pos + n] * r.randint(1, 4)
            elif k < 0.8:
                b[pos:pos] = self.pick([b"\r\n", b"\r\n\r\n", b": ", b"\n", b" ", b";", b"\x00"])
            elif k < 0.9 and b:
                b = b[:pos]
            else:
                b[pos:pos] = self.junk()
        return bytes(b)


def corpus():
    """Valid requests: the starting points of the mutations."""
    def req(line, headers=(), body=b""):
        h = [b"Host: 127.0.0.1"] + list(headers)
        if body:
            h.append(b"Content-Length: %d" % len(body))
        return line + b"\r\n" + b"".join(x + b"\r\n" for x in h) + b"\r\n" + body
    mp = (b"--BB\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n"
          b"--BB\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x.txt\"\r\n"
          b"Content-Type: text/plain\r\n\r\nhello\r\n--BB--\r\n")
    return [
        req(b"GET /api/hello?name=ok HTTP/1.1"),
        req(b"GET /api/inspect/a/b/c?x=1&y=2&x=3 HTTP/1.1",
            [b"Cookie: a=1; b=2", b"User-Agent: fuzz", b"Accept: */*"]),
        req(b"POST /api/inspect/a/b HTTP/1.1", [b"Content-Type: application/json"],
            b'{"a": [1, 2, {"b": "c"}]}'),
        req(b"POST /api/inspect/form/x HTTP/1.1",
            [b"Content-Type: application/x-www-form-urlencoded"], b"a=1&b=%C3%A9&c=x+y"),
        req(b"POST /api/inspect/mp/x HTTP/1.1", [b"Content-Type: multipart/form-data; boundary=BB"],
            mp),
        req(b"PUT /api/inspect/t/x HTTP/1.1", [b"Content-Type: text/plain; charset=latin-1"],
            b"caf\xe9"),
        b"POST /api/inspect/c/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        b"Content-Type: application/json\r\n\r\n5;e=1\r\n{\"a\":\r\n2\r\n1}\r\n0\r\nX-T: 1\r\n\r\n",
        req(b"DELETE /api/inspect/%C3%A9/%E2%82%AC/x HTTP/1.1"),
        req(b"OPTIONS /api/inspect/o/x HTTP/1.1", [b"Origin: http://a", b"Access-Control-Request-Method: GET"]),
        req(b"HEAD /api/hello HTTP/1.1"),
        req(b"GET /api/pid HTTP/1.1"),
        req(b"GET /api/hello?name=%C3%A9%E2%82%AC HTTP/1.1", [b"Cookie: n=\xc3\xa9"]),
        req(b"GET /api/hello HTTP/1.0"),
    ]


def one_request(gen, seeds):
    """(kind, bytes, chunk, delay)"""
    r = gen.r
    k = r.random()
    if k < 0.4:
        kind, data = "structured", gen.structured()
    elif k < 0.8:
        kind, data = "mutated", gen.mutate(gen.pick(seeds))
    elif k < 0.92:
        kind = "pipelined"
        parts = []
        for _ in range(r.randint(2, 5)):
            x = r.random()
            parts.append(gen.pick(seeds) if x < 0.4 else gen.structured() if x < 0.7
                         else gen.mutate(gen.pick(seeds)))
        data = b"".join(parts)
    elif k < 0.97:
        kind = "splice"
        a, b = gen.pick(seeds), gen.pick(seeds)
        data = a[:r.randrange(len(a) + 1)] + b[r.randrange(len(b) + 1):]
    else:
        kind, data = "random", gen.rbytes(r.randint(1, 400))
    chunk, delay = 0, 0.0
    if r.random() < 0.03:
        # trickled: at most ~300 pieces, so the sending takes under a second or so
        chunk, delay = max(r.randint(1, 64), len(data) // 300 + 1), 0.002
    return kind, data, chunk, delay

# ---------------------------------------------------------------------------------------
# the campaign


class Campaign:
    def __init__(self, args):
        self.a = args
        self.host = Host(args.bin, args.app, os.path.join(OUT, "fuzz", "e2e"), name="http-host")
        self.statuses = collections.Counter()
        self.fivexx = collections.Counter()
        self.app_errors = collections.Counter()
        self.requests = 0
        self.batches = 0
        self.restarts = 0
        self.crashes = 0
        self.hangs = 0
        self.good_failures = 0
        self.rss_failures = 0
        self.failure_files = []
        self.slowest = 0.0

    def check_good(self):
        st, body = http_get(self.host.port, GOOD_PATH, 10.0)
        return st, body

    def baseline(self):
        self.workers = self.host.workers()
        self.restart_count = self.host.restarts()

    def start_host(self):
        self.host.start()
        st, body = self.check_good()
        if st != 200:
            raise SystemExit(f"known-good request answered {st} right after start: {body[:200]!r}")
        self.good_body = body
        self.baseline()

    def send_batch(self, batch):
        results = []
        with concurrent.futures.ThreadPoolExecutor(self.a.threads) as ex:
            futs = [ex.submit(send_raw, self.host.port, data, self.a.timeout, chunk, delay)
                    for _, data, chunk, delay in batch]
            for f in futs:
                results.append(f.result())
        return results

    def account(self, batch, results):
        hangs = []
        for (kind, data, _, _), (sts, outcome, secs, got) in zip(batch, results):
            self.requests += 1
            self.slowest = max(self.slowest, secs)
            if not sts:
                self.statuses[outcome if outcome != "closed" else "none"] += 1
            for s in sts:
                self.statuses[s] += 1
                if s >= 500:
                    self.fivexx[s] += 1
            if outcome == "hang":
                hangs.append(data)
            for m in re.finditer(rb'"(\w+_error)": "(\w+)"', got):
                self.app_errors[(m.group(1) + b":" + m.group(2)).decode()] += 1
        return hangs

    def check(self):
        """Problems after a batch, as a list of strings."""
        problems = []
        if not self.host.alive():
            problems.append(f"host died (exit {self.host.proc.returncode})")
            return problems
        # a worker that is being replaced may need a moment: let the good request wait for it
        st, body = self.check_good()
        w = self.host.workers()
        rc = self.host.restarts()
        if w != self.workers or (rc is not None and self.restart_count is not None
                                 and rc != self.restart_count):
            problems.append(f"worker restart: pids {self.workers} -> {w}, "
                            f"pyfn_worker_restarts_total {self.restart_count} -> {rc}")
        if st != 200 or body != self.good_body:
            problems.append(f"known-good request: {st} {body[:200]!r}")
        return problems

    def save(self, batch, why, tag):
        d = os.path.join(OUT, "fuzz", "e2e")
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, f"http-seed{self.a.seed}-batch{self.batches}-{tag}.txt")
        with open(path, "w") as f:
            f.write(f"# e2e_http_fuzz.py --seed {self.a.seed}, batch {self.batches}: {why}\n")
            f.write("# one request per line, repr(bytes); replay: "
                    f"tests/fuzz/e2e_http_fuzz.py --replay {path}\n")
            for kind, data, chunk, delay in batch:
                f.write(f"# {kind}" + (f" chunk={chunk}" if chunk else "") + "\n")
                f.write(repr(data) + "\n")
        self.failure_files.append(path)
        return path

    def run(self):
        a = self.a
        rng = random.Random(a.seed)
        gen = Gen(rng)
        seeds = corpus()
        print(f"e2e-http: seed {a.seed}, {a.seconds}s, batches of {a.batch}, host {self.host.bin}, "
              f"log {self.host.log_path}", flush=True)
        self.start_host()
        rss0 = None
        end = time.monotonic() + a.seconds
        warm = 2
        while time.monotonic() < end or self.batches < warm + 1:
            batch = [one_request(gen, seeds) for _ in range(a.batch)]
            results = self.send_batch(batch)
            self.batches += 1
            hangs = self.account(batch, results)
            problems = self.check()
            if hangs:
                self.hangs += len(hangs)
                problems.append(f"{len(hangs)} request(s) without an answer and close within "
                                f"{a.timeout}s")
                p = self.save([("hang", h, 0, 0.0) for h in hangs], "hangs", "hang")
                print(f"  hang(s): {p}", flush=True)
            if self.batches == warm:
                rss0 = self.host.rss()
                self.rss_start = rss0
            elif rss0 is not None and self.host.alive() and not self.rss_failures:
                # Checked until the first failure (a growth stays); reported once.
                h, w = self.host.rss()
                bound = a.rss_bound_mib * 1024
                if h - rss0[0] > bound or (w - rss0[1] > bound and rss0[1] > 0):
                    problems.append(f"RSS beyond +{a.rss_bound_mib} MiB: host {rss0[0]}->{h} KiB, "
                                    f"worker {rss0[1]}->{w} KiB")
                    self.rss_failures += 1
            if problems:
                crashed = not self.host.alive()
                if crashed:
                    self.crashes += 1
                elif any(p.startswith("worker restart") for p in problems):
                    self.restarts += max(1, self._restart_delta())
                if any(p.startswith("known-good") for p in problems):
                    self.good_failures += 1
                path = self.save(batch, "; ".join(problems), "fail")
                print(f"  batch {self.batches}: " + "; ".join(problems) + f" -> {path}", flush=True)
                if a.stop_on_failure or len(self.failure_files) >= a.max_failure_files:
                    break
                if crashed:
                    self.host.stop()
                    self.host = Host(a.bin, a.app, os.path.join(OUT, "fuzz", "e2e"), name="http-host")
                    self.start_host()
                    rss0 = None
                    warm = self.batches + 2
                else:
                    self.baseline()
            elif self.batches % 10 == 0:
                print(f"  batch {self.batches}: {self.requests} requests, "
                      f"{dict(sorted(self.statuses.items(), key=str))}", flush=True)
        rss1 = self.host.rss() if self.host.alive() else (0, 0)
        rs = getattr(self, "rss_start", (0, 0))
        self.host.stop()
        if self.app_errors:
            print("  exceptions the app caught (garbage the library refused): "
                  + json.dumps(dict(self.app_errors.most_common())))
        if self.fivexx:
            print("  5xx answers: " + json.dumps({str(k): v for k, v in sorted(self.fivexx.items())}))
        print(f"  slowest request {self.slowest:.2f}s, hangs {self.hangs}, known-good failures "
              f"{self.good_failures}, RSS failures {self.rss_failures}; host log {self.host.log_path}")
        for p in self.failure_files:
            print(f"  failure file: {p}")
        counts = {str(k): v for k, v in sorted(self.statuses.items(), key=lambda kv: str(kv[0]))}
        print(f"e2e-http: {self.requests} requests, {self.batches} batches, worker restarts "
              f"{self.restarts}, host crashes {self.crashes}, status counts {json.dumps(counts)}, "
              f"host RSS {rs[0]}->{rss1[0]} KiB, worker RSS {rs[1]}->{rss1[1]} KiB", flush=True)
        bad = self.restarts or self.crashes or self.hangs or self.good_failures or self.rss_failures
        return 1 if bad else 0

    def _restart_delta(self):
        rc = self.host.restarts()
        if rc is None or self.restart_count is None:
            return 1
        return rc - self.restart_count


def read_replay(path):
    reqs = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                reqs.append(ast.literal_eval(line))
    return reqs


def replay(args):
    """Send each request of FILE alone and check the worker after each; the culprits (a
    restart, a crash, a hang) are written to FILE.culprits.txt."""
    reqs = read_replay(args.replay)
    host = Host(args.bin, args.app, os.path.join(OUT, "fuzz", "e2e"), name="replay-host")
    host.start()
    print(f"replay: {len(reqs)} request(s) from {args.replay}; host log {host.log_path}")
    culprits = []
    try:
        workers, restarts = host.workers(), host.restarts()
        for i, data in enumerate(reqs):
            sts, outcome, secs, _ = send_raw(host.port, data, args.timeout)
            time.sleep(0.2)
            st, _ = http_get(host.port, GOOD_PATH, 10.0)
            w, rc = host.workers(), host.restarts()
            why = []
            if not host.alive():
                why.append("host died")
            elif w != workers or rc != restarts:
                why.append(f"worker restart ({workers}->{w})")
            if outcome == "hang":
                why.append("hang")
            if st != 200:
                why.append(f"known-good {st}")
            print(f"  #{i}: {sts or outcome} {secs:.2f}s" + (" <- " + ", ".join(why) if why else "")
                  + f"  {data[:120]!r}{'...' if len(data) > 120 else ''}", flush=True)
            if why:
                culprits.append((why, data))
                if not host.alive():
                    host.stop()
                    host = Host(args.bin, args.app, os.path.join(OUT, "fuzz", "e2e"),
                                name="replay-host")
                    host.start()
                workers, restarts = host.workers(), host.restarts()
    finally:
        host.stop()
    if culprits:
        out = args.replay + ".culprits.txt"
        with open(out, "w") as f:
            for why, data in culprits:
                f.write(f"# {', '.join(why)}\n{data!r}\n")
        print(f"replay: {len(culprits)} culprit(s) -> {out}")
        return 1
    print("replay: no request restarted the worker, crashed or hung the host")
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--batch", type=int, default=200)
    p.add_argument("--threads", type=int, default=16)
    p.add_argument("--timeout", type=float, default=3.0,
                   help="seconds a connection may stay open after the last byte sent")
    p.add_argument("--rss-bound-mib", type=float, default=20)
    p.add_argument("--bin", default=os.environ.get("PYFN_BIN", os.path.join(OUT, "bin")))
    p.add_argument("--app", default=os.path.join(ROOT, "tests", "apps", "fuzz-target"))
    p.add_argument("--replay", metavar="FILE")
    p.add_argument("--stop-on-failure", action="store_true")
    p.add_argument("--max-failure-files", type=int, default=10)
    args = p.parse_args()
    args.bin = os.path.abspath(args.bin)
    args.app = os.path.abspath(args.app)
    if args.seed is None:
        args.seed = int.from_bytes(os.urandom(4), "big")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.replay:
        return replay(args)
    c = Campaign(args)
    try:
        return c.run()
    finally:
        c.host.stop()


if __name__ == "__main__":
    sys.exit(main())
