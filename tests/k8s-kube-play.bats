#!/usr/bin/env bats
# What pyfn-k8s (k8s/pyfn_k8s.py, docs/kubernetes.md) generates is accepted by real consumers
# of Kubernetes YAML: the Kubernetes and KEDA schemas (k8s/validate.mjs), and `podman kube
# play`, which runs the generated HTTP Deployment from the cell's image: the pod starts, gets
# ready on the generated readiness probe's endpoint, and serves the app with the generated keys.
# App: k8s/tests/apps/http-app (copied into a derived image, as a user's custom image holds it).

load helpers/common

KEYS=(--master-key kubeplay-master-0123456789abcdefghijklmno
      --function-key kubeplay-function-0123456789abcdefghijklm)

setup_file() {
  export MANIFESTS="$BATS_FILE_TMPDIR/all.yaml"
  [ -x "$PYFN_BIN/pyfn-host" ] || return 0
  /usr/bin/python3 "$PYFN_ROOT/k8s/pyfn_k8s.py" --app "$PYFN_ROOT/k8s/tests/apps/http-app" \
    --host-binary "$PYFN_BIN/pyfn-host" --image "${PYFN_IMAGE:-pyfn/python:3.11-slim-bookworm}" \
    --name kubeplay "${KEYS[@]}" >"$MANIFESTS" 2>"$BATS_FILE_TMPDIR/pyfn-k8s.err" || true
  [ "$PYFN_TARGET" = image ] || return 0
  local ctx="$BATS_FILE_TMPDIR/ctx"
  rm -rf "$ctx"; cp -a "$PYFN_ROOT/k8s/tests/apps/http-app" "$ctx"
  printf 'ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nCOPY . /home/site/wwwroot\n' >"$ctx/Dockerfile"
  export KUBEPLAY_TAG="localhost/pyfn-test/kubeplay:${PYFN_IMAGE##*:}-$$"
  pyfn_build_image "$ctx" "$KUBEPLAY_TAG" >"$BATS_FILE_TMPDIR/build.log" 2>&1 || {
    cat "$BATS_FILE_TMPDIR/build.log" >&2
    return 1
  }
  # The pod: what the generator wrote for this image. podman runs the HTTP Deployment; the
  # Secrets its env refers to become podman secrets (podman reads one that envFrom or
  # secretKeyRef names as a JSON map of key -> base64 value, the Secret's `data`); Service,
  # PodDisruptionBudget and KEDA objects are the cluster's business.
  export KUBEPLAY_YAML="$BATS_FILE_TMPDIR/kubeplay.yaml" KUBEPLAY_SECRETS="$BATS_FILE_TMPDIR/secrets"
  mkdir -p "$KUBEPLAY_SECRETS"
  /usr/bin/python3 "$PYFN_ROOT/k8s/pyfn_k8s.py" --app "$ctx" --host-binary "$PYFN_BIN/pyfn-host" \
    --image "$KUBEPLAY_TAG" --name kubeplay "${KEYS[@]}" >"$BATS_FILE_TMPDIR/generated.yaml"
  NODE_PATH="$PYFN_ROOT/node_modules" node -e '
const fs = require("fs"), YAML = require("yaml");
const [src, out, dir] = process.argv.slice(1);
const keep = [];
for (const doc of YAML.parseAllDocuments(fs.readFileSync(src, "utf8"))) {
  const o = doc.toJS();
  if (!o) continue;
  if (o.kind === "Secret") {
    const data = Object.assign({}, o.data || {});
    for (const [k, v] of Object.entries(o.stringData || {})) data[k] = Buffer.from(v).toString("base64");
    fs.writeFileSync(`${dir}/${o.metadata.name}.json`, JSON.stringify(data));
  } else if (o.kind === "Deployment" && o.metadata.name === "kubeplay-http") {
    keep.push(YAML.stringify(o));
  }
}
fs.writeFileSync(out, keep.join("---\n"));' "$BATS_FILE_TMPDIR/generated.yaml" "$KUBEPLAY_YAML" "$KUBEPLAY_SECRETS"
  local f
  for f in "$KUBEPLAY_SECRETS"/*.json; do
    pyfn_engine secret rm "$(basename "$f" .json)" >/dev/null 2>&1 || true
    pyfn_engine secret create "$(basename "$f" .json)" "$f" >/dev/null
  done
  pyfn_engine kube play "$KUBEPLAY_YAML" >"$BATS_FILE_TMPDIR/play.log" 2>&1 || {
    cat "$BATS_FILE_TMPDIR/play.log" >&2
    return 1
  }
}

teardown_file() {
  if [ -n "${KUBEPLAY_YAML:-}" ]; then
    pyfn_engine kube down "$KUBEPLAY_YAML" >/dev/null 2>&1 || true
    local f
    for f in "$KUBEPLAY_SECRETS"/*.json; do
      [ -e "$f" ] && pyfn_engine secret rm "$(basename "$f" .json)" >/dev/null 2>&1 || true
    done
  fi
  [ -z "${KUBEPLAY_TAG:-}" ] || pyfn_engine rmi -f "$KUBEPLAY_TAG" >/dev/null 2>&1 || true
}

# kube_get PATH [CURL_ARGS...]: status code of GET http://127.0.0.1:80/PATH from the pod
# (the engine here runs pods on the machine's network, so the container port is port 80).
kube_get() {
  local path=$1; shift
  curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@" "http://127.0.0.1:80$path" || true
}

@test "pyfn-k8s writes manifests for a function.json app that the Kubernetes and KEDA schemas accept" {
  [ -x "$PYFN_BIN/pyfn-host" ] || skip "needs $PYFN_BIN/pyfn-host (make build)"
  [ -d "$PYFN_ROOT/node_modules/kubernetes-models" ] || skip "needs node_modules (make deps)"
  [ -s "$MANIFESTS" ] || { cat "$BATS_FILE_TMPDIR/pyfn-k8s.err" >&2; false; }
  run node "$PYFN_ROOT/k8s/validate.mjs" "$MANIFESTS"
  assert_success
  assert_output --regexp 'validate.mjs: [0-9]+ objects valid'
  grep -q '^kind: Deployment' "$MANIFESTS"
  grep -q '^  name: kubeplay-http$' "$MANIFESTS"
}

@test "podman kube play runs the generated Deployment: the pod gets ready on the readiness probe's endpoint" {
  [ "$PYFN_TARGET" = image ] || skip "needs a container image (set PYFN_IMAGE)"
  local code="" i
  for i in $(seq 1 120); do
    code=$(kube_get /admin/health/ready)
    [ "$code" = 200 ] && break
    sleep 0.5
  done
  [ "$code" = 200 ] || {
    pyfn_engine pod ps >&2
    pyfn_engine ps -a --filter name=kubeplay >&2
    pyfn_engine logs "$(pyfn_engine ps -a -q --filter name=kubeplay-http | tail -1)" >&2 || true
    false
  }
  [ "$(kube_get /admin/health/live)" = 200 ]
}

@test "the pod serves the app with the keys from the generated Secret, and refuses a request without one" {
  [ "$PYFN_TARGET" = image ] || skip "needs a container image (set PYFN_IMAGE)"
  [ "$(kube_get /api/hello -H 'x-functions-key: kubeplay-function-0123456789abcdefghijklm')" = 200 ]
  [ "$(kube_get /api/hello)" = 401 ]
}

@test "the pod runs as the image's non-root user with a read-only root filesystem" {
  [ "$PYFN_TARGET" = image ] || skip "needs a container image (set PYFN_IMAGE)"
  local c
  c=$(pyfn_engine ps -q --filter name=kubeplay-http | tail -1)
  [ -n "$c" ]
  run pyfn_engine inspect --format '{{.Config.User}} {{.HostConfig.ReadonlyRootfs}}' "$c"
  assert_success
  assert_output --regexp '^1000(:1000)? true$'
}
