"""pyfn-k8s: golden manifests, schema validation (validate.mjs), emitter, options.

Regenerate the goldens after an intended change:
    PYFN_K8S_UPDATE_GOLDEN=1 python3 -m pytest -q k8s/tests
and review the diff.
"""
import importlib.util
import json
import os
import shutil
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
K8S = os.path.dirname(HERE)
REPO = os.path.dirname(K8S)
SCRIPT = os.path.join(K8S, "pyfn_k8s.py")
VALIDATE = os.path.join(K8S, "validate.mjs")
FIXTURES = os.path.join(HERE, "fixtures")
GOLDEN = os.path.join(HERE, "golden")
APPS = os.path.join(HERE, "apps")
HOST = os.path.join(REPO, "out", "bin", "pyfn-host")

spec = importlib.util.spec_from_file_location("pyfn_k8s", SCRIPT)
pk = importlib.util.module_from_spec(spec)
spec.loader.exec_module(pk)

KEYS = ["--master-key", "golden-master-key-0123456789abcdef",
        "--function-key", "golden-function-key-0123456789abcdef"]
IMAGE = "registry.example.com/pyfn/%s:1.0.0"


def run(*args, stdin=None):
    env = dict(os.environ)
    env.pop("PYTHONHASHSEED", None)
    return subprocess.run([sys.executable, SCRIPT, *args], input=stdin,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, env=env)


def node_tools():
    """Why validate.mjs cannot run here, or None when it can."""
    if not shutil.which("node"):
        return "node is not installed"
    for pkg in ("kubernetes-models", "@kubernetes-models/keda", "yaml"):
        if not os.path.isdir(os.path.join(REPO, "node_modules", pkg)):
            return "node_modules lacks %s (run npm ci at the repo root)" % pkg
    return None


def validate(text):
    return subprocess.run(["node", VALIDATE, "-"], input=text, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True, cwd=REPO)


# ---------------------------------------------------------------------------------------
# Golden files: one per sample app.

CASES = {
    # (1) function.json HTTP app, 2 replicas (PDB minAvailable 1), app settings from JSON.
    "http-app": ["--name", "hello", "--namespace", "web", "--replicas", "2",
                 "--settings-file", os.path.join(APPS, "http-app", "local.settings.json")],
    # (2) decorator app: HTTP + queue + timer + blob, UseDevelopmentStorage=true, a
    #     connection (ImagesStorage) the settings file lacks.
    "mixed": ["--name", "orders", "--namespace", "shop", "--max-replicas", "20",
              "--settings-file", os.path.join(APPS, "mixed", "local.settings.json")],
    # (3) timer only: one replica, no ScaledObject, no Service; no settings file.
    "timer-only": ["--name", "nightly", "--drain-seconds", "60"],
    # (4) a broken app: the good function only; the HTTP add-on scaler.
    "broken-app": ["--name", "broken", "--http-scaler", "keda-http-addon",
                   "--http-host", "broken.example.com", "--replicas", "0",
                   "--image-pull-secret", "regcred"],
}

EXPECTED_WARNINGS = {
    "http-app": [],
    "mixed": ["AzureWebJobsStorage is UseDevelopmentStorage=true",
              "connection setting ImagesStorage (used by on_image) is not in the settings file"],
    "timer-only": ["connection setting AzureWebJobsStorage (used by nightly)"],
    "broken-app": ["function bad_json failed to load", "function no_entry failed to load"],
}


def generate(case):
    fixture = os.path.join(FIXTURES, case + ".index.json")
    p = run("--index-file", fixture, "--image", IMAGE % case, *KEYS, *CASES[case])
    assert p.returncode == 0, p.stderr
    return p


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden(case):
    p = generate(case)
    path = os.path.join(GOLDEN, case + ".yaml")
    if os.environ.get("PYFN_K8S_UPDATE_GOLDEN") == "1":
        with open(path, "w", encoding="utf-8") as f:
            f.write(p.stdout)
    with open(path, encoding="utf-8") as f:
        assert p.stdout == f.read(), "regenerate with PYFN_K8S_UPDATE_GOLDEN=1 and review"
    warnings = [line for line in p.stderr.splitlines() if line.startswith("pyfn-k8s: warning:")]
    assert len(warnings) == len(EXPECTED_WARNINGS[case]), p.stderr
    for expected in EXPECTED_WARNINGS[case]:
        assert expected in p.stderr


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden_passes_schema_validation(case):
    why = node_tools()
    if why:
        pytest.skip(why)
    v = validate(generate(case).stdout)
    assert v.returncode == 0, v.stderr


def test_output_is_deterministic_and_keys_are_random_only_when_not_given():
    fixture = os.path.join(FIXTURES, "mixed.index.json")
    args = ["--index-file", fixture, "--image", "x/y:1", "--name", "orders"]
    assert run(*args, *KEYS).stdout == run(*args, *KEYS).stdout
    a, b = run(*args).stdout, run(*args).stdout
    assert a != b
    key_lines = [line for line in a.splitlines() if "PYFN_MASTER_KEY:" in line]
    assert len(key_lines) == 1 and len(key_lines[0].split(": ")[1]) == 40  # token_urlsafe(30)


def test_shape_of_the_mixed_app():
    text = generate("mixed").stdout
    assert "kind: Service" in text
    assert text.count("kind: Deployment") == 2
    assert "AzureFunctionsJobHost__functions__0\n              value: submit_order" in text
    assert "queueLength: \"12\"" in text           # batchSize 8 + newBatchThreshold 4
    assert "minReplicaCount: 1" in text and "the timers (cleanup) need a running replica" in text
    assert "connectionFromEnv: ImagesStorage" in text
    assert "UseDevelopmentStorage" not in text.split("kind: Secret", 2)[2].split("---")[0]
    assert "BlobEndpoint=http://azurite:10000/devstoreaccount1" in text


def test_timer_only_app_has_no_service_and_no_scaled_object():
    text = generate("timer-only").stdout
    assert "kind: Service" not in text and "kind: ScaledObject" not in text
    assert "-http" not in text
    assert "replicas: 1" in text
    assert "terminationGracePeriodSeconds: 75" in text   # 5 + 60 + 10


def test_broken_function_is_a_comment_and_a_warning():
    p = generate("broken-app")
    assert "# function bad_json failed to load" in p.stdout
    assert "AzureFunctionsJobHost__functions__0\n              value: good" in p.stdout
    assert "no_entry" not in p.stdout.split("---", 1)[1]
    assert "-triggers" not in p.stdout


# ---------------------------------------------------------------------------------------
# validate.mjs can fail.

BROKEN_MANIFESTS = {
    "string port": ("containerPort: 9090", "containerPort: \"9090\"", "must be integer"),
    "integer trigger metadata": ("queueLength: \"12\"", "queueLength: 12", "must be string"),
    "missing label": ("    app.kubernetes.io/managed-by: pyfn-k8s\nspec:\n  scaleTargetRef:",
                      "spec:\n  scaleTargetRef:", "label app.kubernetes.io/managed-by"),
}


@pytest.mark.parametrize("what", sorted(BROKEN_MANIFESTS))
def test_validate_rejects_a_broken_manifest(what):
    why = node_tools()
    if why:
        pytest.skip(why)
    old, new, error = BROKEN_MANIFESTS[what]
    text = generate("mixed").stdout
    assert old in text
    v = validate(text.replace(old, new, 1))
    assert v.returncode == 1, v.stdout
    assert error in v.stderr


def test_validate_rejects_a_broken_http_scaled_object():
    why = node_tools()
    if why:
        pytest.skip(why)
    text = generate("broken-app").stdout
    old = "service: broken-http\n    port: 80\n"
    assert old in text
    v = validate(text.replace(old, "service: broken-http\n    port: \"80\"\n", 1))
    assert v.returncode == 1 and "HTTPScaledObject broken-http" in v.stderr


# ---------------------------------------------------------------------------------------
# The emitter.

TRICKY = ["true", "True", "on", "ON", "no", "n", "y", "off", "null", "~", "", " ", "123",
          "-1", "1.5", "1e3", "0x1F", "0o17", "017", ".inf", "12:30", "2024-01-02",
          "*star", "&anchor", "!tag", "{a", "[a", "a: b", "a #b", "#c", "a:", "'q", "\"q",
          "back\\slash", "line\nbreak", "tab\there", "- dash", "? q", "%p", "@at", "`bt",
          "---", "...", "=", "<<", " lead", "trail ", "\u2028", "\x85"]
PLAIN = ["hello", "http://prometheus-server.monitoring.svc:80", "100m", "96Mi",
         "registry.example.com/pyfn/x:1.0.0", "/admin/health/live", "a-b_c.d",
         "UseDevelopmentStorage=true", "sum(x{a=1})", "pyfn-k8s", "ünïcode"]


@pytest.mark.parametrize("s", TRICKY)
def test_tricky_strings_are_quoted_and_read_back(s):
    out = pk.scalar(s)
    assert out.startswith('"')
    assert json.loads(out) == s


@pytest.mark.parametrize("s", PLAIN)
def test_ordinary_strings_stay_plain(s):
    assert pk.scalar(s) == s


def test_scalars_and_empty_collections():
    assert pk.to_yaml({"a": None, "b": True, "c": False, "d": 0, "e": {}, "f": []}) == (
        "a: null\nb: true\nc: false\nd: 0\ne: {}\nf: []\n")
    with pytest.raises(TypeError):
        pk.to_yaml({"x": 1.5})


def test_nested_lists_and_comments():
    doc = {"k": pk.Commented([{"a": 1, "b": [1, 2]}, "s"], "one\ntwo")}
    assert pk.to_yaml(doc) == (
        "# one\n# two\nk:\n  - a: 1\n    b:\n      - 1\n      - 2\n  - s\n")


def test_emitter_round_trips_through_the_yaml_package():
    if not shutil.which("node") or not os.path.isdir(os.path.join(REPO, "node_modules", "yaml")):
        pytest.skip("node or node_modules/yaml missing (npm ci)")
    doc = {"strings": TRICKY + PLAIN, "map": {s or "empty": s for s in TRICKY},
           "nested": [{"a": [1, {"b": None}], "c": True}, [], {}, [["x"]]]}
    text = pk.to_yaml_stream([(["c"], doc), ([], {"second": "on"})], ["header"])
    js = ("const y=require('yaml');let t='';process.stdin.on('data',d=>t+=d).on('end',()=>"
          "console.log(JSON.stringify(y.parseAllDocuments(t).map(d=>{"
          "if(d.errors.length)throw d.errors[0];return d.toJS()}))))")
    for version in ("1.2", "1.1"):
        p = subprocess.run(["node", "-e", js.replace("d.toJS()", "d.toJS()") if version == "1.2"
                            else js.replace("parseAllDocuments(t)",
                                            "parseAllDocuments(t,{version:'1.1'})")],
                           input=text, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, cwd=REPO)
        assert p.returncode == 0, p.stderr
        assert json.loads(p.stdout) == [doc, {"second": "on"}], version


# ---------------------------------------------------------------------------------------
# Options and inputs.

FIX = os.path.join(FIXTURES, "http-app.index.json")


@pytest.mark.parametrize("args, message", [
    (["--index-file", FIX, "--name", "x"], "--image is required"),
    (["--index-file", FIX, "--image", "i"], "--name is required"),
    (["--index-file", FIX, "--image", "i", "--name", "My_App"], "DNS-1123 label"),
    (["--index-file", FIX, "--image", "i", "--name=-x"], "DNS-1123 label"),
    (["--index-file", FIX, "--image", "i", "--name", "a" * 55], "at most 54 characters"),
    (["--index-file", FIX, "--image", "i", "--name", "x", "--namespace", "Prod"], "--namespace"),
    (["--image", "i", "--name", "x"], "exactly one of --app DIR and --index-file FILE"),
    (["--app", APPS, "--index-file", FIX, "--image", "i", "--name", "x"], "exactly one of"),
    (["--index-file", FIX, "--image", "i", "--name", "x", "--replicas", "0"], "--replicas 0"),
    (["--index-file", FIX, "--image", "i", "--name", "x", "--replicas", "-1"], "must be >= 0"),
    (["--index-file", FIX, "--image", "i", "--name", "x", "--replicas", "two"], "not a whole"),
    (["--index-file", FIX, "--image", "i", "--name", "x", "--min-replicas", "11"],
     "--min-replicas 11 is above --max-replicas 10"),
    (["--index-file", FIX, "--image", "i", "--name", "x", "--http-scaler", "hpa"], "invalid choice"),
    (["--index-file", FIX, "--image", "i", "--name", "x", "--master-key", "short"], "--master-key"),
    (["--index-file", FIX, "--image", "i", "--name", "x", "--prometheus-url", "prom"],
     "--prometheus-url"),
    (["--index-file", "/nonexistent.json", "--image", "i", "--name", "x"], "--index-file"),
    (["--index-file", FIX, "--image", "i", "--name", "x", "--settings-file", "/nonexistent"],
     "--settings-file"),
    (["--app", APPS + "/http-app", "--host-binary", "/nonexistent/pyfn-host", "--image", "i",
      "--name", "x"], "cannot run /nonexistent/pyfn-host"),
    (["--index-file", FIX, "--image", "i", "--name", "x", "--bogus"], "unrecognized arguments"),
])
def test_bad_options_exit_2_with_one_line(args, message):
    p = run(*args)
    assert p.returncode == 2
    assert p.stdout == ""
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("pyfn-k8s: error:"), p.stderr
    assert message in lines[0]


def test_index_that_is_not_json_or_has_no_functions():
    assert "not JSON" in run("--index-file", "-", "--image", "i", "--name", "x",
                             stdin="nope").stderr
    p = run("--index-file", "-", "--image", "i", "--name", "x", stdin="{}")
    assert p.returncode == 2 and "no \"functions\" list" in p.stderr
    p = run("--index-file", "-", "--image", "i", "--name", "x",
            stdin='{"functions": [{"name": "b", "loaded": false, "error": "boom"}]}')
    assert p.returncode == 2 and "no function that can run" in p.stderr
    p = run("--index-file", "-", "--image", "i", "--name", "x", stdin=json.dumps({"functions": [
        {"name": "b", "loaded": False, "error": "line one\nline two"},
        {"name": "t", "loaded": True, "error": "", "trigger": {"type": "timerTrigger"}}]}))
    assert p.returncode == 0 and "\n# line two): left out" in p.stdout


def test_stdin_index_and_output_file(tmp_path):
    with open(FIX) as f:
        text = f.read()
    out = tmp_path / "m.yaml"
    p = run("--index-file", "-", "--image", "i", "--name", "x", "-o", str(out), *KEYS,
            stdin=text)
    assert p.returncode == 0 and p.stdout == ""
    assert "name: x-http" in out.read_text()


def test_trigger_type_is_case_insensitive():
    index = {"functions": [
        {"name": "q", "loaded": True, "error": "", "trigger": {
            "type": "QUEUETRIGGER", "queueName": "Jobs", "connection": "Conn"}},
        {"name": "e", "loaded": True, "error": "", "trigger": {"type": "eventHubTrigger"}}]}
    p = run("--index-file", "-", "--image", "i", "--name", "x", stdin=json.dumps(index))
    assert p.returncode == 0, p.stderr
    assert "type: azure-queue" in p.stdout and "queueName: jobs" in p.stdout
    assert "connectionFromEnv: Conn" in p.stdout and "queueLength: \"24\"" in p.stdout
    assert "function e has trigger eventHubTrigger, which pyfn does not run" in p.stderr


def test_host_binary_is_called_with_index_and_script_root(tmp_path):
    fake = tmp_path / "pyfn-host"
    fake.write_text("#!/bin/sh\n[ \"$1\" = --index ] && [ \"$2\" = --script-root ] "
                    "&& [ -d \"$3\" ] && exec cat %s\nexit 3\n" % FIX)
    fake.chmod(0o755)
    p = run("--app", os.path.join(APPS, "http-app"), "--host-binary", str(fake),
            "--image", "i", "--name", "x", *KEYS)
    assert p.returncode == 0, p.stderr
    assert "name: x-http" in p.stdout
    fake.write_text("#!/bin/sh\necho 'unknown option --index' >&2\nexit 1\n")
    p = run("--app", os.path.join(APPS, "http-app"), "--host-binary", str(fake),
            "--image", "i", "--name", "x")
    assert p.returncode == 2 and "unknown option --index" in p.stderr


@pytest.mark.parametrize("host_json, expected", [
    ({}, 24),
    ({"extensions": {"queues": {"batchSize": 8}}}, 12),
    ({"extensions": {"queues": {"batchSize": 32, "newBatchThreshold": 0}}}, 32),
    ({"extensions": {"queues": {"batchSize": 1}}}, 1),
    ({"extensions": {"queues": {"batchSize": 4, "newBatchThreshold": 10}}}, 14),
])
def test_queue_length_is_batch_size_plus_new_batch_threshold(host_json, expected):
    assert pk.queue_length_target(host_json) == expected


def test_queue_length_rejects_a_bad_host_json():
    with pytest.raises(pk.UsageError):
        pk.queue_length_target({"extensions": {"queues": {"batchSize": "many"}}})


@pytest.mark.parametrize("path, expected", [
    ("in/{name}", ("in", "")),
    ("images/uploads/{name}", ("images", "uploads/")),
    ("samples/in-{name}.txt", ("samples", "in-")),
    ("container", ("container", "")),
    ("c/%PREFIX%/{name}", ("c", "")),
])
def test_blob_container_and_prefix(path, expected):
    assert pk.blob_container_prefix(path) == expected


@pytest.mark.parametrize("value, dev", [
    ("UseDevelopmentStorage=true", True),
    ("usedevelopmentstorage=TRUE;", True),
    ("UseDevelopmentStorage=true;DevelopmentStorageProxyUri=http://x", True),
    ("UseDevelopmentStorage=false", False),
    ("DefaultEndpointsProtocol=https;AccountName=a;AccountKey=k", False),
])
def test_development_storage_detection(value, dev):
    assert pk.is_development_storage(value) is dev


def test_development_storage_rewrite_uses_azurite_host(tmp_path):
    env = tmp_path / "app.env"
    env.write_text("# comment\nexport AzureWebJobsStorage=UseDevelopmentStorage=true\n"
                   "FUNCTIONS_WORKER_RUNTIME=python\nQUOTED=\"a b\"\nPYFN_MASTER_KEY=x\n")
    p = run("--index-file", os.path.join(FIXTURES, "timer-only.index.json"), "--image", "i",
            "--name", "x", "--settings-file", str(env), "--azurite-host", "azurite.dev.svc")
    assert p.returncode == 0, p.stderr
    assert ("AzureWebJobsStorage: DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
            "AccountKey=" + pk.AZURITE_KEY + ";BlobEndpoint=http://azurite.dev.svc:10000/"
            "devstoreaccount1;QueueEndpoint=http://azurite.dev.svc:10001/devstoreaccount1;"
            "TableEndpoint=http://azurite.dev.svc:10002/devstoreaccount1;") in p.stdout
    assert "QUOTED: a b" in p.stdout
    assert "FUNCTIONS_WORKER_RUNTIME" not in p.stdout
    assert "UseDevelopmentStorage=true, which KEDA's azure scalers cannot parse" in p.stderr
    assert "PYFN_MASTER_KEY in the settings file is ignored: pass --master-key" in p.stderr


def test_settings_file_bad_line(tmp_path):
    env = tmp_path / "bad.env"
    env.write_text("GOOD=1\nno equals sign\n")
    p = run("--index-file", FIX, "--image", "i", "--name", "x", "--settings-file", str(env))
    assert p.returncode == 2 and "bad.env:2: expected KEY=VALUE" in p.stderr


# ---------------------------------------------------------------------------------------
# `pyfn-host --index` against the fixtures (once the host has the command).

def host_index_support():
    if not os.access(HOST, os.X_OK):
        return "out/bin/pyfn-host is not built"
    p = subprocess.run([HOST, "--help"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       universal_newlines=True)
    if "--index" not in p.stdout:
        return "out/bin/pyfn-host has no --index command yet"
    return None


def comparable(index):
    """What the fixture promises: names, load state, trigger fields; errors only non-empty."""
    out = {"routePrefix": index.get("routePrefix"), "hostJson": index.get("hostJson"),
           "functions": {}}
    for fn in index["functions"]:
        t = fn.get("trigger") if fn.get("loaded") else None
        if t:
            t = {k: (v.lower() if k in ("type", "direction") else v) for k, v in t.items()}
        out["functions"][fn["name"]] = {"loaded": fn.get("loaded"),
                                        "error": bool(fn.get("error")),
                                        "disabled": fn.get("disabled"), "trigger": t}
    return out


@pytest.mark.parametrize("case", sorted(CASES))
def test_pyfn_host_index_matches_fixture(case):
    why = host_index_support()
    if why:
        pytest.skip(why)
    app = os.path.join(APPS, case)
    p = subprocess.run([HOST, "--index", "--script-root", app], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True, timeout=120,
                       env={k: v for k, v in os.environ.items()
                            if not k.startswith("AzureFunctionsJobHost__")})
    assert p.returncode == 0, p.stderr
    got = json.loads(p.stdout)
    assert got["scriptRoot"] == os.path.abspath(app)
    with open(os.path.join(FIXTURES, case + ".index.json")) as f:
        assert comparable(got) == comparable(json.load(f))
