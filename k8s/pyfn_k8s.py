#!/usr/bin/env python3
"""pyfn-k8s: Kubernetes + KEDA manifests for a pyfn function app, in one command.

The pyfn counterpart of `func kubernetes deploy --dry-run`, for every app pyfn serves
(function.json folders and decorator apps alike): it reads the app index that
`pyfn-host --index --script-root APP` prints (or a saved copy, --index-file) and writes
multi-document YAML: Secrets (keys, app settings), one Deployment for the HTTP functions
(+ Service) and one for the other triggers, PodDisruptionBudgets and KEDA ScaledObjects.

Standard library only (Debian's python3 in the pyfn images, 3.9+); the YAML emitter is
below. docs/kubernetes.md explains every choice; `pyfn_k8s.py --help` lists the options.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import subprocess
import sys

TOOL = "pyfn-k8s"
# The images' non-root user (images/debian/Dockerfile: `USER 1000:1000`).
IMAGE_UID = 1000
# The images listen on 80 (ASPNETCORE_URLS=http://+:80); pyfn-host carries the file
# capability cap_net_bind_service for that (build/set-file-caps.py).
HTTP_PORT = 80
# PYFN_METRICS_PORT: Prometheus /metrics without a key, scraped by Prometheus for the
# prometheus scaler (host/README.md "Metrics").
METRICS_PORT = 9090
PRESTOP_SECONDS = 5          # endpoints controllers and proxies forget the pod meanwhile
TERMINATION_MARGIN = 10      # after preStop + drain, before SIGKILL
DEFAULT_DRAIN = 30           # PYFN_SHUTDOWN_GRACE_PERIOD's default (docs/settings.md)
DEFAULT_HTTP_TARGET = 10     # in-flight invocations per HTTP replica (prometheus scaler)
DEFAULT_BLOB_COUNT = 5       # KEDA azure-blob's own default blobCount
DEFAULT_PROMETHEUS = "http://prometheus-server.monitoring.svc:80"
# Azurite's well-known development account (public; the same in every Azurite and in
# Azure's docs: "Use the Azurite emulator for local Azure Storage development").
AZURITE_ACCOUNT = "devstoreaccount1"
AZURITE_KEY = ("Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/"
               "K1SZFPTOtr/KBHBeksoGMGw==")
# Settings the image or the runtime sets itself: never copied into the settings Secret.
RUNTIME_SETTINGS = {
    "FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_WORKER_RUNTIME_VERSION",
    "FUNCTIONS_EXTENSION_VERSION", "AzureWebJobsScriptRoot", "ASPNETCORE_URLS",
    "FUNCTIONS_HTTP_PORT",
}
KEY_SETTINGS = ("PYFN_MASTER_KEY", "PYFN_FUNCTION_KEY")
DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
LONGEST_SUFFIX = "-triggers"


class UsageError(Exception):
    """A bad option or input: one line on stderr, exit status 2."""


# ---------------------------------------------------------------------------------------
# YAML emitter: block style, dicts keep their insertion order (the builders below choose
# a deterministic one), strings quoted whenever a YAML 1.1 or 1.2 parser could read them
# as something else.

class Commented:
    """A value with comment lines written above its key (dict values only)."""

    def __init__(self, value, comment):
        self.value = value
        self.comment = comment


_SPECIAL_WORDS = {
    "", "~", "null", "true", "false", "yes", "no", "on", "off", "y", "n",
    ".inf", "-.inf", "+.inf", ".nan", "<<", "=",
}
_NUMBER_LIKE = re.compile(
    r"^[-+]?(\d[\d_]*(\.[\d_]*)?([eE][-+]?\d+)?|\.\d[\d_]*([eE][-+]?\d+)?|0[xX][0-9a-fA-F_]+"
    r"|0[oO]?[0-7_]+|0[bB][01_]+|\d[\d_]*(:[0-5]?\d)+(\.\d*)?)$")
_DATE_LIKE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}([Tt ].*)?$")
_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`")


def needs_quotes(s):
    """True when `s` written plain would not read back as the same string."""
    if s.lower() in _SPECIAL_WORDS or _NUMBER_LIKE.match(s) or _DATE_LIKE.match(s):
        return True
    if s[0] in _INDICATORS or s[0].isspace() or s[-1].isspace():
        # "-x", "?x", ":x" are plain-safe in YAML 1.2 but not to every reader: quote.
        return True
    if ": " in s or " #" in s or s.endswith(":") or "\t" in s:
        return True
    if s.startswith("---") or s.startswith("..."):
        return True
    if any(c in s for c in "\"'\\"):
        return True
    return any(ord(c) < 0x20 or ord(c) == 0x7f or 0x80 <= ord(c) < 0xa0
               or ord(c) in (0xfeff, 0x2028, 0x2029) for c in s)


def scalar(v):
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        raise TypeError("floats are not emitted (write them as strings)")
    if isinstance(v, str):
        # JSON's double-quoted strings are YAML double-quoted strings.
        return json.dumps(v) if needs_quotes(v) else v
    raise TypeError("cannot emit %r" % type(v).__name__)


def _is_collection(v):
    return isinstance(v, (dict, list)) and len(v) > 0


def _emit(v, indent, out):
    pad = " " * indent
    if isinstance(v, dict):
        for k, val in v.items():
            if not isinstance(k, str):
                raise TypeError("mapping keys must be strings")
            if isinstance(val, Commented):
                for line in val.comment.splitlines():
                    out.append(pad + ("# " + line).rstrip())
                val = val.value
            if _is_collection(val):
                out.append(pad + scalar(k) + ":")
                _emit(val, indent + 2, out)
            else:
                out.append(pad + scalar(k) + ": " + _inline(val))
    elif isinstance(v, list):
        for item in v:
            if isinstance(item, Commented):
                raise TypeError("comments go on mapping values")
            if _is_collection(item):
                sub = []
                _emit(item, indent + 2, sub)
                # "- " takes the place of the first line's indentation.
                out.append(pad + "- " + sub[0][indent + 2:])
                out.extend(sub[1:])
            else:
                out.append(pad + "- " + _inline(item))
    else:
        out.append(pad + _inline(v))


def _inline(v):
    if isinstance(v, dict):
        if v:
            raise TypeError("non-empty mapping inline")
        return "{}"
    if isinstance(v, list):
        if v:
            raise TypeError("non-empty sequence inline")
        return "[]"
    return scalar(v)


def to_yaml(v):
    """One YAML document (no `---`) for dicts, lists and scalars."""
    out = []
    _emit(v, 0, out)
    return "\n".join(out) + "\n"


def to_yaml_stream(docs, header=()):
    """Multi-document YAML; docs = [(comment lines, object)]."""
    def comment_lines(lines):
        # An error message from the index may span lines: each gets its own "#".
        return "".join(("# %s" % sub).rstrip() + "\n"
                       for line in lines for sub in (str(line).splitlines() or [""]))

    parts = [comment_lines(header)]
    for comments, obj in docs:
        parts.append("---\n")
        parts.append(comment_lines(comments))
        parts.append(to_yaml(obj))
    return "".join(parts)


# ---------------------------------------------------------------------------------------
# Inputs: the app index, the settings file.

def find_host_binary(explicit):
    if explicit:
        return explicit
    on_path = shutil.which("pyfn-host")
    if on_path:
        return on_path
    return os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                        "out", "bin", "pyfn-host")


def load_index(args):
    if args.index_file:
        try:
            if args.index_file == "-":
                text = sys.stdin.read()
                where = "stdin"
            else:
                with open(args.index_file, encoding="utf-8") as f:
                    text = f.read()
                where = args.index_file
        except OSError as e:
            raise UsageError("--index-file: %s" % e)
    else:
        host = find_host_binary(args.host_binary)
        if not os.path.isdir(args.app):
            raise UsageError("--app: %s is not a directory" % args.app)
        cmd = [host, "--index", "--script-root", args.app]
        try:
            p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               universal_newlines=True, timeout=120)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise UsageError("cannot run %s (--host-binary, or --index-file): %s" % (host, e))
        if p.returncode != 0:
            last = (p.stderr.strip().splitlines() or ["no output"])[-1]
            raise UsageError("%s exited with status %d: %s" % (" ".join(cmd), p.returncode, last))
        text = p.stdout
        where = "%s --index" % host
    try:
        index = json.loads(text)
    except ValueError as e:
        raise UsageError("%s: the app index is not JSON: %s" % (where, e))
    if not isinstance(index, dict) or not isinstance(index.get("functions"), list):
        raise UsageError("%s: the app index has no \"functions\" list" % where)
    return index


def _unquote(v):
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
        return v[1:-1]
    return v


def load_settings(path):
    """local.settings.json "Values", or KEY=VALUE lines (.env): {name: str}."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise UsageError("--settings-file: %s" % e)
    values = {}
    if path.endswith(".json") or text.lstrip().startswith("{"):
        try:
            doc = json.loads(text)
        except ValueError as e:
            raise UsageError("--settings-file %s: not JSON: %s" % (path, e))
        raw = doc.get("Values", {}) if isinstance(doc, dict) else None
        if not isinstance(raw, dict):
            raise UsageError("--settings-file %s: \"Values\" is not an object" % path)
        for k, v in raw.items():
            if v is None:
                continue
            values[k] = json.dumps(v) if isinstance(v, bool) else str(v)
        return values
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export "):].lstrip()
        if "=" not in line:
            raise UsageError("--settings-file %s:%d: expected KEY=VALUE" % (path, n))
        k, v = line.split("=", 1)
        values[k.strip()] = _unquote(v.strip())
    return values


def azurite_connection(host):
    return ("DefaultEndpointsProtocol=http;AccountName={a};AccountKey={k};"
            "BlobEndpoint=http://{h}:10000/{a};QueueEndpoint=http://{h}:10001/{a};"
            "TableEndpoint=http://{h}:10002/{a};").format(a=AZURITE_ACCOUNT, k=AZURITE_KEY,
                                                           h=host)


def is_development_storage(value):
    parts = [p.strip() for p in value.split(";") if p.strip()]
    return any(p.replace(" ", "").lower() == "usedevelopmentstorage=true" for p in parts)


# ---------------------------------------------------------------------------------------
# The app: which functions go where, what they need.

def trigger_kind(fn):
    t = fn.get("trigger")
    if not isinstance(t, dict):
        return None
    return {"httptrigger": "http", "queuetrigger": "queue", "blobtrigger": "blob",
            "timertrigger": "timer"}.get(str(t.get("type", "")).lower(), "other")


def queue_length_target(host_json):
    """Azure's target executions per instance for a storage queue trigger.

    Azure's scale controller (target-based scaling) uses BatchSize + NewBatchThreshold:
    QueueTargetScaler.GetScaleResultInternal in Azure/azure-sdk-for-net
    (Microsoft.Azure.WebJobs.Extensions.Storage.Queues), documented in
    https://learn.microsoft.com/azure/azure-functions/functions-target-based-scaling.
    Defaults are pyfn's (docs/settings.md): batchSize 16, newBatchThreshold batchSize/2.
    """
    queues = ((host_json or {}).get("extensions") or {}).get("queues") or {}

    def number(key, default):
        v = queues.get(key, default)
        try:
            return int(v)
        except (TypeError, ValueError):
            raise UsageError("host.json extensions.queues.%s is not a number: %r" % (key, v))

    batch = number("batchSize", 16)
    threshold = number("newBatchThreshold", batch // 2)
    return max(1, batch + threshold)


def blob_container_prefix(path):
    """("in", "") for "in/{name}", ("c", "a/b-") for "c/a/b-{name}.txt"."""
    path = path.strip().lstrip("/")
    container, _, rest = path.partition("/")
    prefix = re.split(r"[{%]", rest, maxsplit=1)[0]
    return container, prefix


def resolve_setting_ref(value, settings, warnings, what):
    """Azure's %NAME% app-setting references in queue names and blob paths."""
    def sub(m):
        name = m.group(1)
        if name in settings:
            return settings[name]
        warnings.append("%s refers to app setting %%%s%%, which the settings file does not "
                        "have; left as is" % (what, name))
        return m.group(0)
    return re.sub(r"%([^%]+)%", sub, value)


# ---------------------------------------------------------------------------------------
# Manifest builders.

class Builder:
    def __init__(self, args, index, settings):
        self.args = args
        self.index = index
        self.settings = settings          # None without --settings-file
        self.warnings = []
        self.notes = []                   # header comments
        self.name = args.name

    def labels(self, component):
        return {
            "app.kubernetes.io/name": self.name,
            "app.kubernetes.io/component": component,
            "app.kubernetes.io/managed-by": TOOL,
        }

    def selector(self, component):
        return {"app.kubernetes.io/name": self.name,
                "app.kubernetes.io/component": component}

    def metadata(self, name, component, annotations=None):
        md = {"name": name}
        if self.args.namespace:
            md["namespace"] = self.args.namespace
        md["labels"] = self.labels(component)
        if annotations:
            md["annotations"] = annotations
        return md

    # -- classification ------------------------------------------------------------------
    def classify(self):
        groups = {"http": [], "queue": [], "blob": [], "timer": []}
        fns = sorted(self.index["functions"], key=lambda f: str(f.get("name", "")))
        for fn in fns:
            name = str(fn.get("name", ""))
            if not fn.get("loaded", False) or fn.get("error"):
                msg = "function %s failed to load (%s): left out of the manifests" % (
                    name, fn.get("error") or "no error given")
                self.warnings.append(msg)
                self.notes.append(msg)
                continue
            if fn.get("disabled"):
                self.notes.append("function %s is disabled: left out of the manifests" % name)
                continue
            kind = trigger_kind(fn)
            if kind in (None, "other"):
                t = (fn.get("trigger") or {}).get("type", "none")
                msg = "function %s has trigger %s, which pyfn does not run: left out" % (name, t)
                self.warnings.append(msg)
                self.notes.append(msg)
                continue
            groups[kind].append(fn)
        return groups

    # -- settings ------------------------------------------------------------------------
    def settings_secret_data(self, needed):
        """The app settings Secret's stringData, or None when there is nothing to hold."""
        data = {}
        comments = []
        if self.settings is not None:
            for k in sorted(self.settings):
                if k in RUNTIME_SETTINGS:
                    continue
                if k in KEY_SETTINGS:
                    self.warnings.append("%s in the settings file is ignored: pass --%s" % (
                        k, "master-key" if k == "PYFN_MASTER_KEY" else "function-key"))
                    continue
                v = self.settings[k]
                if is_development_storage(v):
                    v = azurite_connection(self.args.azurite_host)
                    self.warnings.append(
                        "%s is UseDevelopmentStorage=true, which KEDA's azure scalers cannot "
                        "parse and which points at 127.0.0.1 in a pod: written as Azurite's "
                        "explicit connection string for host %s (--azurite-host)"
                        % (k, self.args.azurite_host))
                    comments.append("%s: UseDevelopmentStorage=true rewritten for Azurite at "
                                    "%s" % (k, self.args.azurite_host))
                data[k] = v
        for conn in sorted(needed):
            if conn not in data:
                where = ("the settings file" if self.settings is not None
                         else "any settings file (no --settings-file)")
                self.warnings.append(
                    "connection setting %s (used by %s) is not in %s: the Secret %s-settings "
                    "has it empty, fill it in" % (conn, ", ".join(sorted(needed[conn])),
                                                  where, self.name))
                comments.append("%s: FILL IN (a storage connection string; used by %s)" % (
                    conn, ", ".join(sorted(needed[conn]))))
                data[conn] = ""
        if not data and self.settings is None:
            return None, comments
        return dict(sorted(data.items())), comments

    # -- pieces of a pod -------------------------------------------------------------------
    def container(self, component, functions, has_settings):
        env = []
        for i, fn in enumerate(functions):
            env.append({"name": "AzureFunctionsJobHost__functions__%d" % i, "value": fn})
        env += [
            # Timer locks, blob receipts and timer status are keyed by the host id: every
            # replica of both deployments must share one (docs/settings.md, "Storage").
            {"name": "AzureFunctionsWebHost__hostid", "value": self.host_id()},
            {"name": "PYFN_SHUTDOWN_GRACE_PERIOD", "value": str(self.args.drain_seconds)},
            {"name": "PYFN_METRICS_PORT", "value": str(METRICS_PORT)},
        ]
        env_from = [{"secretRef": {"name": self.name + "-keys"}}]
        if has_settings:
            env_from.append({"secretRef": {"name": self.name + "-settings"}})
        ports = []
        if component == "http":
            ports.append({"name": "http", "containerPort": HTTP_PORT, "protocol": "TCP"})
        ports.append({"name": "metrics", "containerPort": METRICS_PORT, "protocol": "TCP"})
        probe_port = HTTP_PORT
        return {
            "name": "pyfn",
            "image": self.args.image,
            "imagePullPolicy": "IfNotPresent",
            "ports": ports,
            "env": env,
            "envFrom": env_from,
            "livenessProbe": {
                "httpGet": {"path": "/admin/health/live", "port": probe_port},
                "initialDelaySeconds": 5, "periodSeconds": 10, "timeoutSeconds": 5,
                "failureThreshold": 3,
            },
            "readinessProbe": {
                "httpGet": {"path": "/admin/health/ready", "port": probe_port},
                "periodSeconds": 5, "timeoutSeconds": 5, "failureThreshold": 2,
            },
            "lifecycle": Commented(
                {"preStop": {"exec": {"command": ["/bin/sleep", str(PRESTOP_SECONDS)]}}},
                "Endpoints stop sending before pyfn-host gets SIGTERM and drains (coreutils'\n"
                "sleep is in every Debian slim image; the Kubernetes `sleep` action needs 1.30+)."),
            "resources": Commented(
                {"requests": {"cpu": "100m", "memory": "96Mi"},
                 "limits": {"memory": "512Mi"}},
                "Starting point: pyfn's measured idle RSS, host + one worker, is about 61 MB."),
            "securityContext": Commented(
                {"allowPrivilegeEscalation": False,
                 "readOnlyRootFilesystem": True,
                 "runAsNonRoot": True,
                 "runAsUser": IMAGE_UID,
                 "runAsGroup": IMAGE_UID,
                 "capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]}},
                "NET_BIND_SERVICE stays in the bounding set: the non-root pyfn-host binds port\n"
                "80 through its file capability (the restricted Pod Security Standard allows it)."),
            "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
        }

    def host_id(self):
        # Azure's host id rules: lower case, at most 32 characters, no trailing dash.
        return self.name[:32].rstrip("-")

    def deployment(self, component, replicas, functions, has_settings, comments):
        drain = self.args.drain_seconds
        pod_spec = {
            "automountServiceAccountToken": False,
            "enableServiceLinks": False,
            "terminationGracePeriodSeconds": Commented(
                PRESTOP_SECONDS + drain + TERMINATION_MARGIN,
                "preStop %ds + drain %ds (PYFN_SHUTDOWN_GRACE_PERIOD) + %ds margin" % (
                    PRESTOP_SECONDS, drain, TERMINATION_MARGIN)),
            "securityContext": {
                "runAsNonRoot": True,
                "runAsUser": IMAGE_UID,
                "runAsGroup": IMAGE_UID,
                "seccompProfile": {"type": "RuntimeDefault"},
            },
        }
        if self.args.image_pull_secret:
            pod_spec["imagePullSecrets"] = [{"name": self.args.image_pull_secret}]
        pod_spec["containers"] = [self.container(component, functions, has_settings)]
        pod_spec["volumes"] = [{"name": "tmp", "emptyDir": {}}]
        name = "%s-%s" % (self.name, component)
        if replicas is None:
            comments = comments + ["No spec.replicas: the ScaledObject owns the replica count (a "
                                   "second kubectl apply must not reset a scaled-out app)."]
        obj = {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": self.metadata(name, component),
            "spec": {
                "selector": {"matchLabels": self.selector(component)},
                "template": {
                    "metadata": {
                        "labels": self.labels(component),
                        "annotations": {
                            "prometheus.io/scrape": "true",
                            "prometheus.io/port": str(METRICS_PORT),
                            "prometheus.io/path": "/metrics",
                        },
                    },
                    "spec": pod_spec,
                },
            },
        }
        if replicas is not None:
            obj["spec"] = {"replicas": replicas, **obj["spec"]}
        return comments, obj

    def pdb(self, component, min_available):
        name = "%s-%s" % (self.name, component)
        spec = {}
        if min_available:
            spec["minAvailable"] = 1
            comment = "at least one HTTP replica stays up during voluntary disruptions"
        else:
            spec["maxUnavailable"] = 1
            comment = ("one replica at a time during voluntary disruptions (minAvailable 1 "
                       "would block node drains at one replica or at zero)")
        spec["selector"] = {"matchLabels": self.selector(component)}
        return [comment], {
            "apiVersion": "policy/v1",
            "kind": "PodDisruptionBudget",
            "metadata": self.metadata(name, component),
            "spec": spec,
        }

    def http_scaler(self, host_json):
        a = self.args
        target = "%s-http" % self.name
        if a.http_scaler == "keda-http-addon":
            spec = {
                "scaleTargetRef": {
                    "name": target, "kind": "Deployment", "apiVersion": "apps/v1",
                    "service": target, "port": 80,
                },
                "replicas": {"min": a.replicas, "max": a.max_replicas},
                "scalingMetric": {"concurrency": {"targetValue": self.http_target(host_json)}},
            }
            if a.http_host:
                spec = {"hosts": [a.http_host], **spec}
            return (["KEDA HTTP add-on: route traffic through its interceptor "
                     "(keda-add-ons-http-interceptor-proxy) so it can count requests and wake "
                     "the app from zero."], {
                "apiVersion": "http.keda.sh/v1alpha1",
                "kind": "HTTPScaledObject",
                "metadata": self.metadata(target, "http"),
                "spec": spec,
            })
        sel = ['app_kubernetes_io_name="%s"' % self.name,
               'app_kubernetes_io_component="http"']
        if a.namespace:
            sel.insert(0, 'namespace="%s"' % a.namespace)
        query = "sum(pyfn_invocations_in_flight{%s})" % ",".join(sel)
        return (["Prometheus scaler on pyfn's in-flight gauge; the labels come from the usual "
                 "kubernetes-pods scrape job", "(prometheus.io/* annotations, pod labels "
                 "mapped with labelmap). HTTP cannot scale to zero this way."], {
            "apiVersion": "keda.sh/v1alpha1",
            "kind": "ScaledObject",
            "metadata": self.metadata(target, "http"),
            "spec": {
                "scaleTargetRef": {"name": target},
                "minReplicaCount": a.replicas,
                "maxReplicaCount": a.max_replicas,
                "pollingInterval": a.polling_seconds,
                "cooldownPeriod": a.cooldown_seconds,
                "triggers": [{
                    "type": "prometheus",
                    "name": "in-flight",
                    "metadata": {
                        "serverAddress": a.prometheus_url,
                        "query": query,
                        "threshold": str(self.http_target(host_json)),
                    },
                }],
            },
        })

    def http_target(self, host_json):
        if self.args.http_target:
            return self.args.http_target
        http = ((host_json or {}).get("extensions") or {}).get("http") or {}
        try:
            mcr = int(http.get("maxConcurrentRequests", -1))
        except (TypeError, ValueError):
            mcr = -1
        return mcr if mcr > 0 else DEFAULT_HTTP_TARGET

    # -- the whole thing -------------------------------------------------------------------
    def build(self):
        a = self.args
        host_json = self.index.get("hostJson") or {}
        groups = self.classify()
        http_fns = [f["name"] for f in groups["http"]]
        queue_fns, blob_fns, timer_fns = groups["queue"], groups["blob"], groups["timer"]
        trig_fns = sorted(f["name"] for f in queue_fns + blob_fns + timer_fns)

        if not http_fns and not trig_fns:
            raise UsageError("the app has no function that can run (see the warnings)")

        # Connection settings the storage triggers need (setting -> functions).
        needed = {}
        for fn in queue_fns + blob_fns:
            conn = fn["trigger"].get("connection") or "AzureWebJobsStorage"
            needed.setdefault(conn, set()).add(fn["name"])
        for fn in timer_fns:
            # The timer's singleton lock is a blob lease in AzureWebJobsStorage.
            needed.setdefault("AzureWebJobsStorage", set()).add(fn["name"])

        docs = []
        # Keys.
        master = a.master_key or secrets.token_urlsafe(30)
        function_key = a.function_key or secrets.token_urlsafe(30)
        docs.append((["Keys pyfn-host reads at start (host/README.md, Keys): PYFN_MASTER_KEY "
                      "is the master key,", "PYFN_FUNCTION_KEY the host key `default`."], {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": self.metadata(self.name + "-keys", "config"),
            "type": "Opaque",
            "stringData": {"PYFN_MASTER_KEY": master, "PYFN_FUNCTION_KEY": function_key},
        }))

        settings_data, settings_comments = self.settings_secret_data(needed)
        has_settings = settings_data is not None
        if has_settings:
            docs.append((["App settings (environment of the host and its workers)."]
                         + settings_comments, {
                "apiVersion": "v1",
                "kind": "Secret",
                "metadata": self.metadata(self.name + "-settings", "config"),
                "type": "Opaque",
                "stringData": settings_data,
            }))

        if http_fns:
            docs.append(self.deployment(
                "http", None, http_fns, has_settings,
                ["HTTP functions: %s" % ", ".join(http_fns)]))
            docs.append((["Port 80 -> the container's port 80."], {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": self.metadata(self.name + "-http", "http"),
                "spec": {
                    "type": "ClusterIP",
                    "selector": self.selector("http"),
                    "ports": [{"name": "http", "port": 80, "targetPort": "http",
                               "protocol": "TCP"}],
                },
            }))
            docs.append(self.pdb("http", min_available=a.replicas > 1))
            docs.append(self.http_scaler(host_json))

        if trig_fns:
            scaled = queue_fns or blob_fns
            min_rep = a.min_replicas
            comments = ["Non-HTTP functions: %s" % ", ".join(trig_fns)]
            if timer_fns and scaled and min_rep < 1:
                min_rep = 1
            replicas = None if scaled else 1
            docs.append(self.deployment("triggers", replicas, trig_fns, has_settings,
                                        comments))
            docs.append(self.pdb("triggers", min_available=False))
            if scaled:
                docs.append(self.triggers_scaler(queue_fns, blob_fns, timer_fns, min_rep,
                                                 host_json))
            else:
                docs[-2][0].append("Timers only: one replica, no ScaledObject (a timer runs "
                                   "on one host at a time, through a blob lease).")
        header = ["Generated by %s for %s (%s). Apply: kubectl apply -f <this file>." % (
            TOOL, self.name, self.index.get("scriptRoot", "app"))]
        header += self.notes
        return to_yaml_stream(docs, header)

    def triggers_scaler(self, queue_fns, blob_fns, timer_fns, min_rep, host_json):
        a = self.args
        triggers = []
        qlen = queue_length_target(host_json)
        settings = self.settings or {}
        for fn in sorted(queue_fns, key=lambda f: f["name"]):
            t = fn["trigger"]
            queue = resolve_setting_ref(str(t.get("queueName", "")), settings, self.warnings,
                                        "function %s's queueName" % fn["name"])
            triggers.append({
                "type": "azure-queue",
                "name": fn["name"],
                "metadata": {
                    "queueName": queue.lower(),
                    "queueLength": str(qlen),
                    "connectionFromEnv": t.get("connection") or "AzureWebJobsStorage",
                },
            })
        for fn in sorted(blob_fns, key=lambda f: f["name"]):
            t = fn["trigger"]
            path = resolve_setting_ref(str(t.get("path", "")), settings, self.warnings,
                                       "function %s's path" % fn["name"])
            container, prefix = blob_container_prefix(path)
            md = {"blobContainerName": container, "blobCount": str(DEFAULT_BLOB_COUNT)}
            if prefix:
                md["blobPrefix"] = prefix
            md["connectionFromEnv"] = t.get("connection") or "AzureWebJobsStorage"
            triggers.append({"type": "azure-blob", "name": fn["name"], "metadata": md})
        comments = [
            "azure-queue queueLength %d = host.json extensions.queues batchSize + "
            "newBatchThreshold:" % qlen,
            "the target executions per instance of Azure's scale controller "
            "(QueueTargetScaler in",
            "Azure/azure-sdk-for-net; learn.microsoft.com/azure/azure-functions/"
            "functions-target-based-scaling).",
        ] if queue_fns else []
        if blob_fns:
            comments.append("azure-blob counts every blob under the prefix, processed or not "
                            "(pyfn keeps receipts, not moves).")
        spec = {"scaleTargetRef": {"name": self.name + "-triggers"}}
        if timer_fns and a.min_replicas < 1:
            spec["minReplicaCount"] = Commented(
                min_rep, "1, not --min-replicas %d: the timers (%s) need a running replica" % (
                    a.min_replicas, ", ".join(sorted(f["name"] for f in timer_fns))))
        else:
            spec["minReplicaCount"] = min_rep
        spec["maxReplicaCount"] = a.max_replicas
        spec["pollingInterval"] = a.polling_seconds
        spec["cooldownPeriod"] = a.cooldown_seconds
        spec["triggers"] = triggers
        return comments, {
            "apiVersion": "keda.sh/v1alpha1",
            "kind": "ScaledObject",
            "metadata": self.metadata(self.name + "-triggers", "triggers"),
            "spec": spec,
        }


# ---------------------------------------------------------------------------------------
# Command line.

class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def nonneg_int(text):
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("not a whole number: %r" % text)
    if v < 0:
        raise argparse.ArgumentTypeError("must be >= 0: %r" % text)
    return v


def parse_args(argv):
    p = Parser(prog="pyfn_k8s.py", description=__doc__.split("\n\n")[0],
               formatter_class=argparse.RawDescriptionHelpFormatter)
    src = p.add_argument_group("input")
    src.add_argument("--app", metavar="DIR", help="the function app (runs pyfn-host --index)")
    src.add_argument("--index-file", metavar="FILE",
                     help="a saved `pyfn-host --index` output, or - for stdin")
    src.add_argument("--host-binary", metavar="PATH",
                     help="pyfn-host (default: on PATH, else out/bin/pyfn-host of this repo)")
    src.add_argument("--settings-file", metavar="FILE",
                     help="local.settings.json (Values) or KEY=VALUE lines -> Secret NAME-settings")
    out = p.add_argument_group("objects")
    out.add_argument("--image", metavar="REF", help="container image (required)")
    out.add_argument("--name", help="app name, a DNS-1123 label (required)")
    out.add_argument("--namespace", metavar="NS")
    out.add_argument("--image-pull-secret", metavar="NAME")
    out.add_argument("--master-key", metavar="KEY", help="default: secrets.token_urlsafe(30)")
    out.add_argument("--function-key", metavar="KEY", help="host key `default`; default: random")
    out.add_argument("--drain-seconds", type=nonneg_int, default=DEFAULT_DRAIN, metavar="N",
                     help="PYFN_SHUTDOWN_GRACE_PERIOD (default %d)" % DEFAULT_DRAIN)
    out.add_argument("--azurite-host", default="azurite", metavar="HOST",
                     help="for UseDevelopmentStorage=true (default azurite)")
    out.add_argument("--output", "-o", metavar="FILE", help="default: stdout")
    sc = p.add_argument_group("scaling")
    sc.add_argument("--replicas", type=nonneg_int, default=1, metavar="N",
                    help="HTTP deployment (default 1, the scaler's minimum)")
    sc.add_argument("--min-replicas", type=nonneg_int, default=0, metavar="N",
                    help="non-HTTP deployment (default 0: scale to zero)")
    sc.add_argument("--max-replicas", type=nonneg_int, default=10, metavar="N")
    sc.add_argument("--http-scaler", choices=["prometheus", "keda-http-addon"],
                    default="prometheus")
    sc.add_argument("--prometheus-url", default=DEFAULT_PROMETHEUS, metavar="URL")
    sc.add_argument("--http-target", type=nonneg_int, default=0, metavar="N",
                    help="in-flight requests per HTTP replica (default: host.json "
                         "maxConcurrentRequests, else %d)" % DEFAULT_HTTP_TARGET)
    sc.add_argument("--polling-seconds", type=nonneg_int, default=30, metavar="N",
                    help="ScaledObject pollingInterval (default 30, KEDA's)")
    sc.add_argument("--cooldown-seconds", type=nonneg_int, default=300, metavar="N",
                    help="ScaledObject cooldownPeriod before scaling to zero (default 300, KEDA's)")
    sc.add_argument("--http-host", metavar="HOST",
                    help="keda-http-addon: the Host header routed to the app")
    a = p.parse_args(argv)

    if not a.image:
        raise UsageError("--image is required")
    if not a.name:
        raise UsageError("--name is required")
    limit = 63 - len(LONGEST_SUFFIX)
    if not DNS1123_LABEL.match(a.name) or len(a.name) > limit:
        raise UsageError("--name %r: must be a DNS-1123 label (lower-case letters, digits, '-', "
                         "starting and ending alphanumeric) of at most %d characters "
                         "(objects are named NAME%s)" % (a.name, limit, LONGEST_SUFFIX))
    if a.namespace is not None and (not DNS1123_LABEL.match(a.namespace)
                                    or len(a.namespace) > 63):
        raise UsageError("--namespace %r: must be a DNS-1123 label" % a.namespace)
    if bool(a.app) == bool(a.index_file):
        raise UsageError("give exactly one of --app DIR and --index-file FILE")
    if a.image_pull_secret is not None and not re.match(
            r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", a.image_pull_secret):
        raise UsageError("--image-pull-secret %r: not a valid Secret name" % a.image_pull_secret)
    for opt, key in (("--master-key", a.master_key), ("--function-key", a.function_key)):
        if key is not None and not (16 <= len(key) <= 4096
                                    and all(0x21 <= ord(c) <= 0x7e for c in key)):
            raise UsageError("%s: 16 to 4096 visible ASCII characters, as pyfn-host's key API "
                             "accepts" % opt)
    if a.max_replicas < 1:
        raise UsageError("--max-replicas must be >= 1")
    if a.http_scaler == "prometheus" and a.replicas < 1:
        raise UsageError("--replicas 0 needs --http-scaler keda-http-addon (the Prometheus "
                         "scaler cannot see requests to an app with no replica)")
    for opt, v in (("--replicas", a.replicas), ("--min-replicas", a.min_replicas)):
        if v > a.max_replicas:
            raise UsageError("%s %d is above --max-replicas %d" % (opt, v, a.max_replicas))
    if not re.match(r"^https?://[^\s/]+", a.prometheus_url):
        raise UsageError("--prometheus-url %r: expected http(s)://host[:port]" % a.prometheus_url)
    if not re.match(r"^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$", a.azurite_host):
        raise UsageError("--azurite-host %r: not a host name" % a.azurite_host)
    return a


def main(argv=None):
    try:
        args = parse_args(sys.argv[1:] if argv is None else argv)
        settings = load_settings(args.settings_file) if args.settings_file else None
        index = load_index(args)
        builder = Builder(args, index, settings)
        text = builder.build()
    except UsageError as e:
        print("%s: error: %s" % (TOOL, e), file=sys.stderr)
        return 2
    for w in builder.warnings:
        print("%s: warning: %s" % (TOOL, w), file=sys.stderr)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
