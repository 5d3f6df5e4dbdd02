#!/usr/bin/env python3
"""End-to-end fuzz campaign for the storage triggers (stdlib only).

Starts Azurite (scripts/azurite.sh, data under out/fuzz/e2e/) and out/bin/pyfn-host on
tests/apps/fuzz-storage, then in rounds (--messages queue messages and --blobs blobs a round,
until --seconds have passed; at least one round):
  - queue messages on `fuzz-q`: random bytes (invalid UTF-8, NUL, overlong forms, encoded
    surrogates) and odd valid text, base64-encoded as the Queue REST API carries them (must
    be processed, the function seeing the exact bytes: sha256 compared); raw XML text that is
    not base64 (valid UTF-8, invalid UTF-8 bytes, character references) (must go to the
    poison queue, the host's rule for base64 mode; Azurite may refuse some: counted);
  - blobs in `fuzz-blobs` whose names hold odd but legal characters (spaces, %, +, &, #, ?,
    quotes, emoji, CJK, U+2028, BOM, deep paths, 1000 characters) and whose metadata values
    and content types are odd (spaces, quotes, tabs, 4000 characters, Latin-1 and raw
    0x80-0xFF bytes); each must be processed once.
The functions log a marker per message/blob (FUZZ-Q id=..., FUZZ-B token=...); the host log
is searched for them and for the poison lines (which name the message id). After every round:
every message and blob accounted for, the host alive, its worker PIDs and
pyfn_worker_restarts_total unchanged. Ends with:
  e2e-storage: N messages (P poisoned as expected, A refused by Azurite), B blobs
  (A refused), rounds R, worker restarts W, host crashes C, lost L, altered X
and exits 1 on a restart, crash, lost or altered message/blob; 77 when Azurite is not
installed (make deps).

Usage: tests/fuzz/e2e_storage_fuzz.py [--seconds 0] [--seed N] [--messages 40] [--blobs 12]
"""
import argparse
import base64
import hashlib
import importlib.util
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import e2e_http_fuzz as common  # noqa: E402

ROOT = common.ROOT
OUT = common.OUT
QUEUE = "fuzz-q"
CONTAINER = "fuzz-blobs"


def load_storage_client():
    path = os.path.join(ROOT, "tests", "helpers", "storage-client.py")
    spec = importlib.util.spec_from_file_location("storage_client", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


sc = load_storage_client()

BAD = common.BAD
ODD_TEXT = ["\u00e9\u20ac\U0001f600", "\ufeffbom", "\uffff\ufffe", "nul\x00in", "\u2028\u2029",
            "{\"json\": \"\u00e9\"}", "[1, 2", "<xml>&amp;</xml>", "\ud7ff\ue000", "\U0010ffff",
            "", " ", "\r\n\t", "\u0301\u0301"]
XML_FORBIDDEN = {c: None for c in [*range(0x20), 0xFFFE, 0xFFFF] if c not in (0x09, 0x0A, 0x0D)}
# No U+FFFE/U+FFFF in blob names: Azurite stores them, then answers 500 to every listing of
# the container (its XML cannot hold them), so no blob of the container triggers any more.
# (Azure percent-encodes such names in listings, <Name Encoded="true">, which the host's
# listing parser does not look at: untested here.)
BLOB_NAMES = ["sp ace", "plus+sign", "per%cent", "per%FFcent", "amp&er=eq", "q?mark",
              "hash#tag", "semi;colon,comma", "quote'\"", "paren(x)[y]", "star*~!$@",
              "emoji\U0001f600", "\u00e9-accent", "\u4e2d\u6587/\u8def\u5f84", "a/b/c/deep",
              "dots..a", "sep\u2028line", "bom\ufeff", "zwj\u200dx", "\\back\\slash",
              "tab\tname", "x" * 1000, "\u0130\u0131I", "a%2Fb", "..", "./x",
              "<lt>&gt;"]
META_VALUES = ["lead and trail", "a=b; c=d", "q\"uote", "tab\tin", "", "x" * 4000,
               "latin1-\u00e9", "\u00ff\u00fe", "\u00c3\u00a9-utf8-bytes", "%FF", "\u0080\u009f",
               "\u00ed\u00a0\u0080-surrogate-bytes", "\u00c0\u00af-overlong", "=?utf-8?q?x?="]
CONTENT_TYPES = ["text/plain", "text/plain; charset=\u00ff", "application/json; charset=xyz",
                 "\u00e9/\u00e9", "multipart/form-data; boundary=\"\u00ff\""]


class Storage:
    def __init__(self, cs):
        self.cs = cs
        self.account, self.key, self.blob, self.queue = sc.parse_cs(cs)

    def req(self, method, url, body=b"", headers=None):
        return sc.request(method, url, self.account, self.key, body, headers)

    def put_xml_message(self, text_bytes):
        """POST a message whose <MessageText> holds text_bytes as they are; (status, id)."""
        xml = b"<QueueMessage><MessageText>" + text_bytes + b"</MessageText></QueueMessage>"
        st, out, _ = self.req("POST", f"{self.queue}/{QUEUE}/messages", xml,
                              {"Content-Type": "application/xml"})
        m = re.search(rb"<MessageId>([^<]+)</MessageId>", out)
        return st, (m.group(1).decode() if m else None), out

    def count(self, q):
        st, _, hdrs = self.req("GET", f"{self.queue}/{q}?comp=metadata")
        if st == 404:
            return 0
        lower = {k.lower(): v for k, v in hdrs.items()}
        return int(lower.get("x-ms-approximate-messages-count", "0"))

    def put_blob(self, name, data, meta, ctype):
        h = {"x-ms-blob-type": "BlockBlob", "Content-Type": ctype}
        for k, v in meta.items():
            h["x-ms-meta-" + k] = v
        url = f"{self.blob}/{CONTAINER}/{urllib.parse.quote(name, safe='/')}"
        try:
            st, out, _ = self.req("PUT", url, data, h)
        except Exception as e:  # http.client refuses some header values itself
            return None, repr(e).encode()
        return st, out


class Campaign:
    def __init__(self, args):
        self.a = args
        self.r = random.Random(args.seed)
        self.sent = 0
        self.refused = 0
        self.poisoned = 0
        self.blobs = 0
        self.blobs_refused = 0
        self.rounds = 0
        self.restarts = 0
        self.crashes = 0
        self.lost = []
        self.altered = []
        self.log_pos = 0

    def host_log(self):
        with open(self.host.log_path, "rb") as f:
            return f.read()

    def messages(self):
        """[(kind, expect, xml text bytes, sha of the body the function must see or None)]"""
        r = self.r
        out = []
        for i in range(self.a.messages):
            k = r.random()
            if k < 0.45:
                raw = b"".join(r.choice(BAD) if r.random() < 0.5 else bytes([r.randrange(256)])
                               for _ in range(r.randint(0, 40)))
                kind = "b64-bytes"
            elif k < 0.65:
                raw = "".join(r.choice(ODD_TEXT) for _ in range(r.randint(1, 4))).encode()
                kind = "b64-text"
            elif k < 0.8:
                t = "".join(r.choice(ODD_TEXT) for _ in range(r.randint(1, 3))) + " not base64!"
                t = t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                # Characters XML 1.0 forbids (controls, U+FFFE, U+FFFF): Azure refuses them at
                # Put Message; Azurite takes them, then fails every Get Messages that would
                # return them (500) after having made the batch invisible: the host's transport
                # retries, gets an empty list, and the batch is gone for the processing
                # visibility (600 s).
                t = t.translate(XML_FORBIDDEN)
                out.append(("raw-text", "poison", t.encode("utf-8", "surrogatepass"), None))
                continue
            elif k < 0.92:
                t = b"raw " + b"".join(r.choice(BAD[:18]) for _ in range(r.randint(1, 6))) + b" !"
                out.append(("raw-invalid-utf8", "poison", t, None))
                continue
            else:
                # (&#0;, &#x1;, &#xD800;, &#xFFFE;: Azurite refuses them with 400, as Azure.)
                t = r.choice([b"&#xFFFD;&#x10FFFF; !", b"&#xE9;&#233;&#x20AC; !",
                              b"<![CDATA[\xff !]]>", b"<![CDATA[<&>]]> !"])
                out.append(("raw-charref", "poison", t, None))
                continue
            out.append((kind, "done", base64.b64encode(raw), hashlib.sha256(raw).hexdigest()))
        return out

    def blob_specs(self):
        r = self.r
        specs = []
        for i in range(self.a.blobs):
            name = r.choice(BLOB_NAMES)
            if r.random() < 0.5:
                name = r.choice(BLOB_NAMES) + "/" + name
            name = f"r{self.rounds}-{i}-{name}"
            token = f"B{self.a.seed}-{self.rounds}-{i}-{r.randrange(1 << 30):x}"
            meta = {}
            for j in range(r.randint(0, 3)):
                meta[r.choice(["m", "odd_name", "_x", "Mixed"]) + str(j)] = r.choice(META_VALUES)
            specs.append((name, token, meta, r.choice(CONTENT_TYPES)))
        return specs

    def workers_ok(self):
        w, rc = self.host.workers(), self.host.restarts()
        ok = w == self.workers and (rc is None or self.restart_count is None
                                    or rc == self.restart_count)
        return ok, w, rc

    def round(self):
        st = self.store
        st.req("PUT", f"{st.queue}/{QUEUE}")
        st.req("PUT", f"{st.blob}/{CONTAINER}?restype=container")
        expect = {}  # message id -> (kind, expect, sha)
        for kind, exp, text, sha in self.messages():
            code, mid, out = st.put_xml_message(text)
            if code != 201 or not mid:
                self.refused += 1
                print(f"  Azurite refused {kind} {text[:60]!r}: {code} "
                      f"{out[:120]!r}", flush=True)
                continue
            self.sent += 1
            expect[mid] = (kind, exp, sha, text)
        blobs = {}
        for name, token, meta, ctype in self.blob_specs():
            code, out = st.put_blob(name, token.encode(), meta, ctype)
            if code != 201:
                self.blobs_refused += 1
                print(f"  Azurite refused blob {name[:60]!r} meta {meta!r:.120} type {ctype!r}: "
                      f"{code} {out[:160]!r}", flush=True)
                continue
            self.blobs += 1
            blobs[token] = (name, meta, ctype)
        # wait until every message and blob is accounted for
        deadline = time.time() + self.a.round_timeout
        while True:
            log = self.host_log()
            done = {m.group(1).decode(): m.group(2).decode() for m in re.finditer(
                rb"FUZZ-Q id=(\S+) sha=([0-9a-f]+)", log)}
            poisoned = {m.group(1).decode() for m in re.finditer(
                rb"message (\S+) on '" + QUEUE.encode() + rb"': .*Moving message to queue", log)}
            tokens = {m.group(1).decode() for m in re.finditer(rb"FUZZ-B token=(\S+)", log)}
            missing = [i for i in expect if i not in done and i not in poisoned]
            missing_b = [t for t in blobs if t not in tokens]
            if (not missing and not missing_b) or time.time() > deadline \
                    or not self.host.alive():
                break
            time.sleep(0.5)
        problems = []
        for mid, (kind, exp, sha, text) in expect.items():
            if mid in done:
                if exp == "poison":
                    # Accepted as base64 after all: fine, as long as it was not lost.
                    pass
                elif sha is not None and done[mid] != sha:
                    self.altered.append((kind, text))
                    problems.append(f"message {mid} ({kind}) altered: sha {done[mid]} != {sha}")
            elif mid in poisoned:
                self.poisoned += 1
                if exp == "done":
                    self.altered.append((kind, text))
                    problems.append(f"message {mid} ({kind}, base64 {text[:60]!r}) was poisoned")
            else:
                self.lost.append((kind, text))
                problems.append(f"message {mid} ({kind}) {text[:80]!r} not processed")
        for t in missing_b:
            name, meta, ctype = blobs[t]
            self.lost.append(("blob", name))
            problems.append(f"blob {name!r} (meta {meta!r:.200}, type {ctype!r}) not processed")
        return problems, expect, blobs

    def run(self):
        a = self.a
        d = os.path.join(OUT, "fuzz", "e2e")
        os.makedirs(d, exist_ok=True)
        self.az_dir = os.path.join(d, f"azurite-{os.getpid()}")
        p = subprocess.run([os.path.join(ROOT, "scripts", "azurite.sh"), "start", self.az_dir],
                           capture_output=True, text=True)
        if p.returncode == 2:
            print(f"e2e-storage: skipped, Azurite is not installed: {p.stderr.strip()}")
            return 77
        if p.returncode != 0:
            print(p.stderr, file=sys.stderr)
            return 1
        cs = p.stdout.strip()
        self.store = Storage(cs)
        self.host = common.Host(a.bin, a.app, d, env={"AzureWebJobsStorage": cs},
                                name="storage-host")
        print(f"e2e-storage: seed {a.seed}, {a.messages} messages + {a.blobs} blobs a round, "
              f"{a.seconds}s; host log {self.host.log_path}", flush=True)
        self.host.start()
        self.workers, self.restart_count = self.host.workers(), self.host.restarts()
        end = time.time() + a.seconds
        failures = []
        while True:
            problems, expect, blobs = self.round()
            self.rounds += 1
            if not self.host.alive():
                self.crashes += 1
                problems.append(f"host died (exit {self.host.proc.returncode})")
            else:
                ok, w, rc = self.workers_ok()
                if not ok:
                    self.restarts += (rc - self.restart_count) if (
                        rc is not None and self.restart_count is not None) else 1
                    problems.append(f"worker restart: pids {self.workers} -> {w}, "
                                    f"pyfn_worker_restarts_total {self.restart_count} -> {rc}")
                    self.workers, self.restart_count = w, rc
            if problems:
                path = os.path.join(d, f"storage-seed{a.seed}-round{self.rounds}.txt")
                with open(path, "w") as f:
                    f.write(f"# e2e_storage_fuzz.py --seed {a.seed}, round {self.rounds}\n")
                    for p_ in problems:
                        f.write(f"# {p_}\n")
                    f.write("# messages (id, kind, expected, XML MessageText bytes):\n")
                    for mid, (kind, exp, sha, text) in expect.items():
                        f.write(f"{(mid, kind, exp, text)!r}\n")
                    f.write("# blobs (token, name, metadata, content type):\n")
                    for t, (name, meta, ctype) in blobs.items():
                        f.write(f"{(t, name, meta, ctype)!r}\n")
                failures.append(path)
                for p_ in problems[:20]:
                    print(f"  round {self.rounds}: {p_}", flush=True)
                print(f"  round {self.rounds}: {len(problems)} problem(s) -> {path}", flush=True)
                if not self.host.alive():
                    break
            if time.time() >= end:
                break
        self.host.stop()
        print(f"  host log {self.host.log_path}")
        print(f"e2e-storage: {self.sent} messages ({self.poisoned} poisoned as expected, "
              f"{self.refused} refused by Azurite), {self.blobs} blobs ({self.blobs_refused} "
              f"refused), rounds {self.rounds}, worker restarts {self.restarts}, host crashes "
              f"{self.crashes}, lost {len(self.lost)}, altered {len(self.altered)}", flush=True)
        bad = self.restarts or self.crashes or self.lost or self.altered
        return 1 if bad else 0

    def cleanup(self):
        if getattr(self, "host", None):
            self.host.stop()
        if getattr(self, "az_dir", None):
            subprocess.run([os.path.join(ROOT, "scripts", "azurite.sh"), "stop", self.az_dir],
                           capture_output=True)
            shutil.rmtree(self.az_dir, ignore_errors=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--seconds", type=float, default=0,
                   help="keep running rounds until this many seconds passed (default: one round)")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--messages", type=int, default=40)
    p.add_argument("--blobs", type=int, default=12)
    p.add_argument("--round-timeout", type=float, default=90)
    p.add_argument("--bin", default=os.environ.get("PYFN_BIN", os.path.join(OUT, "bin")))
    p.add_argument("--app", default=os.path.join(ROOT, "tests", "apps", "fuzz-storage"))
    args = p.parse_args()
    args.bin = os.path.abspath(args.bin)
    args.app = os.path.abspath(args.app)
    if args.seed is None:
        args.seed = int.from_bytes(os.urandom(4), "big")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    c = Campaign(args)
    try:
        return c.run()
    finally:
        c.cleanup()


if __name__ == "__main__":
    sys.exit(main())
