#!/usr/bin/env python3
"""Scale-out and scale-in under load, proven on one machine (make test-scale).

Replicas of a pyfn image (containers on the machine's network, like pods behind a
Service) serve tests/apps/scale with one Azurite as their storage, behind HAProxy
(a real load balancer, health-checking /admin/health/ready). While wrk drives HTTP
load and a feeder thread puts queue messages, the replica count goes 1 -> 3 -> 1;
each removal is what Kubernetes does: the endpoint leaves the load balancer first
(HAProxy `drain`, the preStop pause), then SIGTERM, and the host drains.

Passes when:
  - wrk saw no non-2xx answer and no socket error in any phase (the balancer could
    route everything; anything it could not is reported);
  - every queue message was processed exactly once (scale-done holds each text
    once) and the input queue is empty at the end (nothing left undeleted);
  - no timer occurrence ran twice across replicas (missed ones are reported);
  - a key created through the admin API of one replica opens the function on the
    others;
  - every replica exited 0.
Writes out/scale/results.json (figures: requests and throughput per phase, the
scaling curve, messages in/out/duplicates, timer runs, start-to-ready per replica)
and prints one summary line per check, then "N passed, N failed".

Usage: scale_test.py [--image IMAGE | --native] [--short] [--out DIR] [--replicas 3]
"""
import argparse
import base64
import collections
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
APP = os.path.join(ROOT, 'tests', 'apps', 'scale')
ENGINE = os.path.join(ROOT, 'scripts', 'engine.sh')
MASTER_KEY = 'scale-test-master-key-0123456789abcdefghij'
HOST_ID = 'pyfn-scale-test'

sys.path.insert(0, os.path.join(ROOT, 'tests', 'helpers'))
storage_client = __import__('importlib').import_module('storage-client')


def log(msg):
    print(f'[{time.strftime("%H:%M:%S")}] {msg}', flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def http_status(url, headers=None, method='GET', body=None, timeout=5):
    req = urllib.request.Request(url, method=method, headers=headers or {}, data=body)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except (urllib.error.URLError, OSError):
        return 0, b''


class Storage:
    """The queues of the test, through the tests' Shared Key client."""

    def __init__(self, connection_string):
        self.account, self.key, _, self.queue = storage_client.parse_cs(connection_string)

    def _req(self, method, path, body=b''):
        return storage_client.request(method, f'{self.queue}/{path}', self.account, self.key, body)

    def create(self, q):
        self._req('PUT', q)

    def put(self, q, text):
        body = base64.b64encode(text.encode()).decode()
        xml = f'<QueueMessage><MessageText>{body}</MessageText></QueueMessage>'.encode()
        st, out, _ = self._req('POST', f'{q}/messages', xml)
        if st != 201:
            raise RuntimeError(f'put {q}: {st} {out[:200]!r}')

    def count(self, q):
        st, _, headers = self._req('GET', f'{q}?comp=metadata')
        if st != 200:
            return 0
        return int({k.lower(): v for k, v in headers.items()}.get(
            'x-ms-approximate-messages-count', '0'))

    def drain(self, q):
        """Receives and deletes every message; returns their texts."""
        out = []
        while True:
            st, xml, _ = self._req('GET', f'{q}/messages?numofmessages=32&visibilitytimeout=60')
            if st != 200:
                raise RuntimeError(f'get {q}: {st}')
            msgs = re.findall(r'<MessageId>(.*?)</MessageId>.*?<PopReceipt>(.*?)</PopReceipt>'
                              r'.*?<MessageText>(.*?)</MessageText>', xml.decode(), re.S)
            if not msgs:
                return out
            for mid, pop, text in msgs:
                out.append(base64.b64decode(storage_client.unescape(text)).decode())
                pop = urllib.request.quote(storage_client.unescape(pop), safe='')
                self._req('DELETE', f'{q}/messages/{mid}?popreceipt={pop}')


class Haproxy:
    """HAProxy in front of the replicas; servers switched through its runtime API."""

    def __init__(self, workdir, port, backends):
        self.sock = os.path.join(workdir, 'haproxy.sock')
        self.cfg = os.path.join(workdir, 'haproxy.cfg')
        self.port = port
        servers = '\n'.join(
            f'    server {name} 127.0.0.1:{p} check disabled' for name, p in backends)
        with open(self.cfg, 'w') as f:
            f.write(f'''global
    maxconn 4096
    stats socket {self.sock} mode 600 level admin
defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    # A connection refused or closed before any answer (a replica going away) is
    # tried again on another server: the request never reached a function.
    retries 2
    retry-on conn-failure empty-response
    option redispatch
    option http-server-close
frontend web
    bind 127.0.0.1:{port}
    default_backend replicas
backend replicas
    balance leastconn
    option httpchk GET /admin/health/ready
    http-check expect status 200
    default-server inter 300ms fall 2 rise 1
{servers}
''')
        self.proc = subprocess.Popen(['haproxy', '-f', self.cfg, '-db'],
                                     stdout=open(os.path.join(workdir, 'haproxy.log'), 'w'),
                                     stderr=subprocess.STDOUT)
        for _ in range(50):
            if os.path.exists(self.sock):
                return
            time.sleep(0.1)
        raise RuntimeError('haproxy did not start (see haproxy.log)')

    def command(self, cmd):
        with socket.socket(socket.AF_UNIX) as s:
            s.connect(self.sock)
            s.sendall(cmd.encode() + b'\n')
            out = b''
            while True:
                b = s.recv(4096)
                if not b:
                    return out.decode()
                out += b

    def set_state(self, server, state):
        self.command(f'set server replicas/{server} state {state}')

    def up(self, server):
        """True once the health check sees the server ready."""
        for line in self.command('show servers state replicas').splitlines():
            f = line.split()
            if len(f) > 5 and f[3] == server:
                return f[5] == '2'  # srv_op_state 2 = running
        return False

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


class Replica:
    """One replica: a container of the image on the machine's network, or with
    native=True an out/bin/pyfn-host process (a quick check of the harness)."""

    def __init__(self, name, image, port, env, workdir, native=False):
        self.name, self.port, self.native = name, port, native
        self.container = f'pyfn-scale_{name}_{os.getpid()}'
        self.log = os.path.join(workdir, f'{name}.log')
        self.started = time.monotonic()
        self.ready_seconds = None
        if native:
            e = dict(os.environ, PYFN_REPLICA=name, **env)
            self.proc = subprocess.Popen(
                [os.path.join(ROOT, 'out', 'bin', 'pyfn-host'), '--script-root', APP,
                 '--port', str(port)], env=e, stdout=open(self.log, 'w'),
                stderr=subprocess.STDOUT, start_new_session=True)
            return
        args = [ENGINE, 'run', '-d', '--name', self.container, '--network=host',
                '--read-only', '--tmpfs', '/tmp', '-v', f'{APP}:/home/site/wwwroot:ro',
                '-e', f'FUNCTIONS_HTTP_PORT={port}', '-e', f'PYFN_REPLICA={name}']
        for k, v in env.items():
            args += ['-e', f'{k}={v}']
        subprocess.run(args + [image], check=True, stdout=subprocess.DEVNULL)

    def wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if http_status(f'http://127.0.0.1:{self.port}/admin/health/ready', timeout=1)[0] == 200:
                self.ready_seconds = time.monotonic() - self.started
                return True
            time.sleep(0.05)
        return False

    def stop(self, grace=30):
        """SIGTERM (the host drains), then the exit code."""
        if self.native:
            self.proc.terminate()
            return self.proc.wait(timeout=grace + 30)
        subprocess.run([ENGINE, 'kill', '--signal', 'TERM', self.container],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        out = subprocess.run([ENGINE, 'wait', self.container], capture_output=True, text=True,
                             timeout=grace + 30)
        code = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else '?'
        self.save_log()
        return int(code) if code.lstrip('-').isdigit() else -1

    def save_log(self):
        if self.native:
            return
        with open(self.log, 'w') as f:
            subprocess.run([ENGINE, 'logs', self.container], stdout=f, stderr=subprocess.STDOUT)

    def remove(self):
        if self.native:
            if self.proc.poll() is None:
                os.killpg(self.proc.pid, 9)
                self.proc.wait()
            return
        subprocess.run([ENGINE, 'rm', '-f', self.container], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)


class Feeder(threading.Thread):
    """Puts numbered messages on scale-in at a steady rate until stopped."""

    def __init__(self, storage, rate):
        super().__init__(daemon=True)
        self.storage, self.rate = storage, rate
        self.sent, self.errors = [], 0
        self.stop_event = threading.Event()

    def run(self):
        n = 0
        while not self.stop_event.is_set():
            text = f'm{n:06d}'
            try:
                self.storage.put('scale-in', text)
                self.sent.append(text)
            except Exception:  # storage hiccup: counted, and the text is not expected
                self.errors += 1
            n += 1
            self.stop_event.wait(1.0 / self.rate)


def wrk(url, seconds, connections):
    out = subprocess.run(['wrk', '-t2', f'-c{connections}', f'-d{seconds}s', url],
                         capture_output=True, text=True).stdout
    req = re.search(r'(\d+) requests in', out)
    rps = re.search(r'Requests/sec:\s*([\d.]+)', out)
    non2xx = re.search(r'Non-2xx or 3xx responses: (\d+)', out)
    sock = re.search(r'Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)', out)
    return {
        'requests': int(req.group(1)) if req else 0,
        'rps': float(rps.group(1)) if rps else 0.0,
        'non_2xx': int(non2xx.group(1)) if non2xx else 0,
        'socket_errors': sum(int(x) for x in sock.groups()) if sock else 0,
        'raw': out,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--image', default=os.environ.get('PYFN_IMAGE',
                                                      'localhost/pyfn/python:3.11-slim-bookworm'))
    ap.add_argument('--short', action='store_true', help='1 -> 2 -> 1 replicas, short phases')
    ap.add_argument('--out', default=os.path.join(ROOT, 'out', 'scale'))
    ap.add_argument('--replicas', type=int, default=3)
    ap.add_argument('--native', action='store_true',
                    help='replicas are out/bin/pyfn-host processes instead of containers')
    args = ap.parse_args()
    phase_s = 4 if args.short else 10
    top = 2 if args.short else args.replicas
    rate = 10 if args.short else 20
    # Absolute: HAProxy reads a relative socket path as an address without a port.
    work = os.path.abspath(args.out)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    checks = []

    def check(name, ok, detail):
        checks.append((name, ok, detail))
        print(f'{"ok" if ok else "FAILED"}: {name}: {detail}', flush=True)

    azurite_dir = os.path.join(work, 'azurite')
    cs = subprocess.run([os.path.join(ROOT, 'scripts', 'azurite.sh'), 'start', azurite_dir],
                        capture_output=True, text=True, check=True).stdout.strip()
    replicas, haproxy = {}, None
    results = {'image': 'native' if args.native else args.image, 'short': args.short, 'phases': [], 'replicas': {}}
    try:
        storage = Storage(cs)
        for q in ('scale-in', 'scale-done', 'scale-ticks'):
            storage.create(q)
        env = {
            'AzureWebJobsStorage': cs,
            'PYFN_MASTER_KEY': MASTER_KEY,
            'AzureWebJobsSecretStorageType': 'blob',
            'AzureFunctionsWebHost__hostid': HOST_ID,
            'PYFN_SHUTDOWN_GRACE_PERIOD': '25',
        }
        names = [f'r{i}' for i in range(1, top + 1)]
        ports = {n: free_port() for n in names}
        lb_port = free_port()
        haproxy = Haproxy(work, lb_port, [(n, ports[n]) for n in names])
        url = f'http://127.0.0.1:{lb_port}/api/hello'

        def add(name):
            r = Replica(name, args.image, ports[name], env, work, native=args.native)
            replicas[name] = r
            if not r.wait_ready():
                r.save_log()
                raise RuntimeError(f'replica {name} did not get ready (see {r.log})')
            haproxy.set_state(name, 'ready')
            deadline = time.monotonic() + 10
            while not haproxy.up(name) and time.monotonic() < deadline:
                time.sleep(0.05)
            results['replicas'][name] = {'start_to_ready_s': round(r.ready_seconds, 3)}
            log(f'replica {name} ready in {r.ready_seconds:.2f}s')

        def remove(name):
            r = replicas[name]
            haproxy.set_state(name, 'drain')   # the endpoint leaves the Service first
            time.sleep(1.5)                     # preStop: let the balancer stop routing
            t0 = time.monotonic()
            code = r.stop()
            haproxy.set_state(name, 'maint')
            results['replicas'][name]['exit_code'] = code
            results['replicas'][name]['drain_s'] = round(time.monotonic() - t0, 3)
            log(f'replica {name} stopped with exit code {code}')

        def phase(label, count, during=None):
            box = {}
            t = threading.Thread(target=lambda: box.update(wrk(url, phase_s, 16)))
            t.start()
            if during:
                time.sleep(0.5)
                during()
            t.join()
            res = box
            res.pop('raw', None)
            res.update({'phase': label, 'replicas': count, 'seconds': phase_s})
            results['phases'].append(res)
            log(f'phase {label}: {res["requests"]} requests, {res["rps"]:.0f}/s, '
                f'non-2xx {res["non_2xx"]}, socket errors {res["socket_errors"]}')

        add('r1')
        feeder = Feeder(storage, rate)
        feeder.start()
        phase('1 replica', 1)
        phase('scale out', f'1->{top}', lambda: [add(n) for n in names[1:]])
        phase(f'{top} replicas', top)

        # A key made on one replica opens the function on every other one.
        st, body = http_status(f'http://127.0.0.1:{ports["r1"]}/admin/host/keys/scaletest',
                               headers={'x-functions-key': MASTER_KEY}, method='POST')
        key = json.loads(body or b'{}').get('value', '') if st in (200, 201) else ''
        opened = {n: http_status(f'http://127.0.0.1:{ports[n]}/api/secured?code={key}')[0]
                  for n in names}
        refused = http_status(f'http://127.0.0.1:{ports[names[-1]]}/api/secured?code=wrong')[0]
        check('a key created on r1 opens the function on every replica',
              key != '' and all(s == 200 for s in opened.values()) and refused == 401,
              f'create {st}, answers {opened}, a wrong key {refused}')

        # Scale in removes the first replicas, r1 (the timer's lock holder) first, so the
        # timer must move to the replica that stays.
        phase('scale in', f'{top}->1', lambda: [remove(n) for n in names[:-1]])
        phase('1 replica again', 1)
        feeder.stop_event.set()
        feeder.join()

        # Every message processed: wait until scale-in is empty (invisible messages
        # count too) and scale-done holds as many as were sent.
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if storage.count('scale-in') == 0 and storage.count('scale-done') >= len(feeder.sent):
                break
            time.sleep(1)
        time.sleep(3)  # a late duplicate would show up here
        left = storage.count('scale-in')
        done = storage.drain('scale-done')
        seen = collections.Counter(t.split()[0] for t in done)
        sent = set(feeder.sent)
        lost = sorted(sent - set(seen))
        dups = sorted(t for t, c in seen.items() if c > 1)
        by_replica = collections.Counter(t.split()[1] for t in done if len(t.split()) > 1)
        results['queue'] = {'sent': len(sent), 'processed': len(done), 'lost': len(lost),
                            'duplicates': len(dups), 'left_in_queue': left,
                            'feeder_errors': feeder.errors, 'by_replica': dict(by_replica)}
        check('every queue message processed exactly once',
              not lost and not dups and left == 0 and len(sent) > 0,
              f'sent {len(sent)}, processed {len(done)}, lost {len(lost)} {lost[:5]}, '
              f'duplicates {len(dups)} {dups[:5]}, left in the queue {left}, '
              f'by replica {dict(by_replica)}')

        ticks = storage.drain('scale-ticks')
        occ = collections.Counter(int(t.split()[0]) for t in ticks)
        tick_dups = sorted(o for o, c in occ.items() if c > 1)
        span = (max(occ) - min(occ)) // 2 + 1 if occ else 0
        results['timer'] = {'runs': len(ticks), 'occurrences': len(occ),
                            'duplicates': len(tick_dups), 'missed': max(0, span - len(occ)),
                            'by_replica': dict(collections.Counter(
                                t.split()[1] for t in ticks if len(t.split()) > 1))}
        check('no timer occurrence ran twice across replicas', not tick_dups and len(occ) > 0,
              f'{len(ticks)} runs, {len(occ)} occurrences over {span} slots '
              f'({results["timer"]["missed"]} missed), duplicates {tick_dups[:5]}, '
              f'by replica {results["timer"]["by_replica"]}')

        bad = sum(p['non_2xx'] + p['socket_errors'] for p in results['phases'])
        check('no failed HTTP request in any phase', bad == 0,
              '; '.join(f'{p["phase"]}: {p["requests"]} requests, {p["rps"]:.0f}/s, '
                        f'non-2xx {p["non_2xx"]}, socket errors {p["socket_errors"]}'
                        for p in results['phases']))
        remove(names[-1])
        codes = {n: results['replicas'][n].get('exit_code') for n in names}
        check('every replica exited 0 after SIGTERM', all(c == 0 for c in codes.values()),
              f'exit codes {codes}')
        ready = {n: results['replicas'][n]['start_to_ready_s'] for n in names}
        results['scaling_curve'] = {str(p['replicas']): round(p['rps'])
                                    for p in results['phases'] if isinstance(p['replicas'], int)}
        print(f'scaling curve (rps by replicas): {results["scaling_curve"]}; '
              f'start to ready: {ready}', flush=True)
    except Exception as e:  # the harness itself failed: report it as a failed check
        check('the scale run completed', False, repr(e))
    finally:
        for r in replicas.values():
            r.save_log()
            r.remove()
        if haproxy:
            haproxy.stop()
        subprocess.run([os.path.join(ROOT, 'scripts', 'azurite.sh'), 'stop', azurite_dir],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        results['checks'] = [{'name': n, 'ok': ok, 'detail': d} for n, ok, d in checks]
        with open(os.path.join(work, 'results.json'), 'w') as f:
            json.dump(results, f, indent=2)
    passed = sum(1 for _, ok, _ in checks if ok)
    failed = len(checks) - passed
    print(f'{passed} passed, {failed} failed')
    return 0 if failed == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
