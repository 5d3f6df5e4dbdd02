#!/usr/bin/env bash
# make test-k8s: pyfn-k8s's manifests (k8s/pyfn_k8s.py, docs/kubernetes.md) applied to the
# cluster of the current kubeconfig, and checked there. Skipped (exit 0) when there is no
# cluster: kubectl missing, or `kubectl cluster-info` not answering within 10 s.
#   scripts/test-k8s.sh                 the test (CI: .github/workflows/k8s.yml, on kind)
#   scripts/test-k8s.sh --build-only    only build the two derived images, print their tags
#
# In a throwaway namespace pyfn-test-<random> (deleted at the end, also on failure):
#   - Azurite (Deployment + Service `azurite`, ports 10000-10002);
#   - tests/apps/scale as `scale` (HTTP hello/secured, queue work, timer tick) and, when
#     KEDA is installed, the queue-only tests/apps/k8s-queue as `queue` (a timer pins the
#     scale app's triggers ScaledObject to minReplicaCount 1; the queue app scales from 0);
#   - manifests from `k8s/pyfn_k8s.py --app ... --settings-file <AzureWebJobsStorage=
#     UseDevelopmentStorage=true> --azurite-host azurite --min-replicas 0`, checked with
#     `node k8s/validate.mjs` first; without KEDA its objects are left out of the apply;
#   - checks, one line each (ok / FAILED / skipped), then "N passed, N failed, N skipped";
#     exit 1 on any failure, after dumping the namespace's objects, the describe of its
#     pods and the logs of the pyfn pods (also kept in $OUT/k8s/diagnostics.txt).
#
# Images. The app must be in the image: the script builds `FROM $PYFN_IMAGE` (default
# pyfn/python:3.11-slim-bookworm, e.g. from `make image`) + the app in /home/site/wwwroot +
# tests/helpers/storage-client.py in /opt/pyfn-test/ (the in-cluster storage client), as
# pyfn-test/scale:k8s and pyfn-test/k8s-queue:k8s, with docker (or podman), and loads them
# into kind when the current context is a kind cluster (`kind-<name>`). Any other cluster
# pulls what it is told and nothing is pushed: build with --build-only, push the two images
# where the cluster can pull them, and name them in PYFN_K8S_IMAGE (the scale app) and
# PYFN_K8S_QUEUE_IMAGE (the queue app; without it the scale-from-zero check is skipped).
#
# The app index: `--app` runs pyfn-host --index (PYFN_HOST_BINARY, else on PATH, else
# out/bin/pyfn-host); when that fails (no build here, as on CI) the index comes from the
# derived image's own pyfn-host (`<engine> run IMAGE pyfn-host --index`, --index-file).
# Environment: PYFN_IMAGE, PYFN_K8S_IMAGE, PYFN_K8S_QUEUE_IMAGE, PYFN_HOST_BINARY, OUT,
# PYFN_K8S_KEEP=1 (keep the namespace), PYFN_ENGINE (docker|podman, scripts/engine.sh).
# The checks' functions run through gate/check/wait_for ("$@"), which shellcheck cannot see:
# shellcheck disable=SC2317
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

AZURITE_IMAGE=mcr.microsoft.com/azure-storage/azurite:3.35.0   # = package.json's azurite
MESSAGES=200
WAIT=180              # seconds: rollouts, scale-out, drain, scale-in
COOLDOWN=15           # KEDA cooldownPeriod and pollingInterval for the test (pyfn-k8s options)
POLLING=5

say() { printf 'test-k8s: %s\n' "$*"; }
die() { say "error: $*" >&2; exit 2; }

build_only=0
case "${1:-}" in
  "") ;;
  --build-only) build_only=1 ;;
  -h|--help) sed -n '2,33p' "$0"; exit 0 ;;
  *) die "unknown argument $1 (see --help)" ;;
esac

# ---- a cluster? ----------------------------------------------------------------------
if [ "$build_only" = 0 ]; then
  skip() {
    say "skipped: no Kubernetes cluster in the current kubeconfig ($1)"
    exit 0
  }
  command -v kubectl >/dev/null 2>&1 || skip "kubectl is not installed"
  rc=0
  info=$(timeout 10 kubectl cluster-info --request-timeout=8s 2>&1 >/dev/null) || rc=$?
  if [ "$rc" = 124 ]; then
    skip "kubectl cluster-info: no answer within 10 s"
  elif [ "$rc" != 0 ]; then
    # kubectl's last error line, without its terminal colours.
    reason=$(printf '%s\n' "$info" | sed 's/\x1b\[[0-9;]*m//g' | grep -v '^[[:space:]]*$' | tail -1 | cut -c1-160)
    skip "kubectl cluster-info failed: ${reason:-exit status $rc}"
  fi
fi

OUT=${OUT:-out}
logdir="$OUT/k8s"
mkdir -p "$logdir"
work=$(mktemp -d "${TMPDIR:-/tmp}/pyfn-test-k8s.XXXXXX")
base=${PYFN_IMAGE:-pyfn/python:3.11-slim-bookworm}

engine() { ./scripts/engine.sh "$@"; }

# ---- the derived images --------------------------------------------------------------
# build_image APP_DIR TAG: FROM $base + the app + the storage client.
build_image() {
  local app=$1 tag=$2 ctx
  ctx="$work/ctx-$(basename "$app")"
  mkdir -p "$ctx"
  cp -a "$app" "$ctx/app"
  cp tests/helpers/storage-client.py "$ctx/storage-client.py"
  cat >"$ctx/Dockerfile" <<'EOF'
ARG PYFN_IMAGE
FROM ${PYFN_IMAGE}
COPY app /home/site/wwwroot
COPY storage-client.py /opt/pyfn-test/storage-client.py
EOF
  if [ "$engine_kind" = docker ]; then
    # The daemon's own builder: it sees the local $PYFN_IMAGE, which a docker-container
    # buildx builder (CI's setup-buildx-action makes one the default) would try to pull.
    BUILDX_BUILDER=$(docker context show 2>/dev/null || echo default) \
      docker build -q --build-arg "PYFN_IMAGE=$base" -t "$tag" "$ctx" >/dev/null
  else
    engine build -q --format docker --pull=never --network host \
      --build-arg "PYFN_IMAGE=$base" -t "$tag" "$ctx" >/dev/null
  fi
}

build_images() {
  engine_kind=$(engine --which)
  if ! engine image inspect "$base" >/dev/null 2>&1; then
    say "error: $base is not in the local $engine_kind images (make image CELL=python311-bookworm, or set PYFN_IMAGE)" >&2
    return 1
  fi
  # podman names local images localhost/...; that is also the name kind gets from its archive.
  local prefix=""
  [ "$engine_kind" = docker ] || prefix=localhost/
  scale_image=${prefix}pyfn-test/scale:k8s
  queue_image=${prefix}pyfn-test/k8s-queue:k8s
  say "building $scale_image and $queue_image FROM $base with $engine_kind"
  build_image tests/apps/scale "$scale_image" || return 1
  build_image tests/apps/k8s-queue "$queue_image" || return 1
}

if [ "$build_only" = 1 ]; then
  trap 'rm -rf "$work"' EXIT
  build_images || exit 1
  say "built $scale_image $queue_image"
  exit 0
fi

# ---- checks and the end --------------------------------------------------------------
passed=0 failed=0 skipped=0 why=""
ns="" ns_created=0 pf_pid=""

ok()   { passed=$((passed + 1)); say "ok: $1"; }
bad()  { failed=$((failed + 1)); say "FAILED: $1${why:+ ($why)}"; }
skipped() { skipped=$((skipped + 1)); say "skipped: $1"; }
# gate WHAT CMD...: one line, ok or FAILED; returns CMD's status (CMD may set $why to say
# what it saw). check: the same, never failing the script (set -e). require: a check the
# rest depends on, ending the run when it fails.
gate() {
  local what=$1; shift
  why=""
  if "$@"; then ok "$what"; return 0; fi
  bad "$what"
  return 1
}
check() { gate "$@" || true; }
require() { gate "$@" || finish; }
finish() {
  say "$passed passed, $failed failed, $skipped skipped"
  [ "$failed" = 0 ] && exit 0
  exit 1
}

k() { timeout 60 kubectl -n "$ns" "$@"; }

diagnostics() {
  say "diagnostics of namespace $ns (also in $logdir/diagnostics.txt):"
  {
    echo "== kubectl get all,scaledobjects,hpa,secrets,pdb -n $ns"
    k get all,hpa,pdb,secrets -o wide 2>&1 || true
    k get scaledobjects.keda.sh -o wide 2>/dev/null || true
    echo "== events"
    k get events --sort-by=.lastTimestamp 2>&1 | tail -60 || true
    local pod phase ready
    while read -r pod phase ready; do
      [ -n "$pod" ] || continue
      if [ "$phase" != Running ] || [[ $ready == *false* ]]; then
        echo "== kubectl describe pod $pod ($phase, ready: $ready)"
        k describe pod "$pod" 2>&1 | tail -80 || true
      fi
    done < <(k get pods -o jsonpath='{range .items[*]}{.metadata.name} {.status.phase} {.status.containerStatuses[*].ready}{"\n"}{end}' 2>/dev/null || true)
    for pod in $(k get pods -l app.kubernetes.io/managed-by=pyfn-k8s -o name 2>/dev/null || true); do
      echo "== kubectl logs $pod"
      k logs "$pod" --all-containers --tail=200 2>&1 || true
      echo "== kubectl logs --previous $pod"
      k logs "$pod" --all-containers --tail=50 --previous 2>&1 || true
    done
    echo "== kubectl logs deploy/azurite"
    k logs deploy/azurite --tail=50 2>&1 || true
  } 2>&1 | tee "$logdir/diagnostics.txt"
}

cleanup() {
  local rc=$?
  set +e
  [ -z "$pf_pid" ] || kill "$pf_pid" 2>/dev/null
  if [ "$ns_created" = 1 ]; then
    if [ "$rc" != 0 ] || [ "$failed" != 0 ]; then diagnostics; fi
    if [ "${PYFN_K8S_KEEP:-0}" = 1 ]; then
      say "namespace $ns kept (PYFN_K8S_KEEP=1): kubectl delete namespace $ns"
    elif timeout 100 kubectl delete namespace "$ns" --wait=true --timeout=90s >/dev/null 2>&1; then
      say "namespace $ns deleted"
    else
      say "namespace $ns: deletion requested, still terminating"
    fi
  fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

context=$(kubectl config current-context 2>/dev/null || echo "?")
say "cluster: context $context; $(timeout 10 kubectl version --request-timeout=8s 2>/dev/null | grep -i '^server' || echo 'server version unknown')"
keda=0
if timeout 30 kubectl get crd scaledobjects.keda.sh >/dev/null 2>&1; then keda=1; fi

# ---- images where the cluster finds them ----------------------------------------------
prepare_images() {
  if [ -n "${PYFN_K8S_IMAGE:-}" ]; then
    scale_image=$PYFN_K8S_IMAGE
    queue_image=${PYFN_K8S_QUEUE_IMAGE:-}
    say "images: $scale_image ${queue_image:-(no PYFN_K8S_QUEUE_IMAGE)}, pulled by the cluster"
    return 0
  fi
  if [[ $context != kind-* ]]; then
    why="context $context is not a kind cluster: nothing is pushed; build with --build-only, push, set PYFN_K8S_IMAGE and PYFN_K8S_QUEUE_IMAGE"
    return 1
  fi
  if ! command -v kind >/dev/null 2>&1; then
    why="the context is kind's but the kind command is missing"
    return 1
  fi
  local cluster=${context#kind-} img archive
  build_images >"$logdir/build.log" 2>&1 || { why="see $logdir/build.log: $(tail -1 "$logdir/build.log")"; return 1; }
  for img in "$scale_image" "$queue_image"; do
    if [ "$engine_kind" = docker ]; then
      kind load docker-image "$img" --name "$cluster" >>"$logdir/build.log" 2>&1 || { why="kind load docker-image $img failed"; return 1; }
    else
      archive="$work/$(basename "${img%%:*}").tar"
      if ! engine save -o "$archive" "$img" >>"$logdir/build.log" 2>&1 ||
         ! kind load image-archive "$archive" --name "$cluster" >>"$logdir/build.log" 2>&1; then
        why="kind load image-archive $img failed"
        return 1
      fi
    fi
  done
}
require "derived images with the apps, loaded into the cluster" prepare_images

# ---- manifests -----------------------------------------------------------------------
ns="pyfn-test-$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
printf 'AzureWebJobsStorage=UseDevelopmentStorage=true\n' >"$work/settings.env"

# generate NAME APP IMAGE [pyfn_k8s.py options...]: $logdir/NAME.yaml
generate() {
  local name=$1 app=$2 image=$3; shift 3
  local common=(--image "$image" --name "$name" --settings-file "$work/settings.env"
                --azurite-host azurite --namespace "$ns" --min-replicas 0 "$@")
  local host=()
  [ -z "${PYFN_HOST_BINARY:-}" ] || host=(--host-binary "$PYFN_HOST_BINARY")
  if python3 k8s/pyfn_k8s.py --app "$app" "${host[@]}" "${common[@]}" \
       -o "$logdir/$name.yaml" 2>"$logdir/$name.pyfn-k8s.err"; then
    return 0
  fi
  # No pyfn-host with --index here: the index of the image's own pyfn-host.
  engine run --rm "$image" pyfn-host --index --script-root /home/site/wwwroot \
    >"$work/$name.index.json" 2>"$logdir/$name.index.err" || {
      why="pyfn_k8s.py --app: $(tail -1 "$logdir/$name.pyfn-k8s.err"); the image's pyfn-host --index: $(tail -1 "$logdir/$name.index.err")"
      return 1
    }
  python3 k8s/pyfn_k8s.py --index-file "$work/$name.index.json" "${common[@]}" \
    -o "$logdir/$name.yaml" 2>"$logdir/$name.pyfn-k8s.err" || {
      why="pyfn_k8s.py --index-file: $(tail -1 "$logdir/$name.pyfn-k8s.err")"
      return 1
    }
  say "  ($name: index from $image's pyfn-host --index)"
}

validate() {
  local f
  if [ ! -d node_modules/kubernetes-models ]; then
    why="node_modules/kubernetes-models is missing: npm ci (make deps)"
    return 1
  fi
  for f in "$@"; do
    node k8s/validate.mjs "$f" >"$work/validate.log" 2>&1 || { why="$f: $(tail -1 "$work/validate.log")"; return 1; }
  done
}

# Without KEDA's CRDs the keda.sh objects cannot be applied: left out.
without_keda() {
  python3 -c '
import re, sys
parts = re.split(r"(?m)^---\n", sys.stdin.read())
keep = [p for p in parts if not re.search(r"(?m)^apiVersion: (http\.)?keda\.sh/", p)]
sys.stdout.write("---\n".join(keep))'
}

apply() {  # apply FILE
  local f=$1
  if [ "$keda" = 0 ]; then
    without_keda <"$f" >"$work/apply.yaml"
    f="$work/apply.yaml"
  fi
  k apply -f - <"$f" >"$work/apply.log" 2>&1 || { why=$(tail -1 "$work/apply.log"); return 1; }
}

gen_all() {
  generate scale tests/apps/scale "$scale_image" || return 1
  if [ -n "$queue_image" ]; then
    generate queue tests/apps/k8s-queue "$queue_image" --max-replicas 3 \
      --cooldown-seconds "$COOLDOWN" --polling-seconds "$POLLING" || return 1
  fi
}
require "pyfn_k8s.py writes the manifests (scale${queue_image:+, queue})" gen_all
files=("$logdir/scale.yaml")
[ -z "$queue_image" ] || files+=("$logdir/queue.yaml")
require "the manifests pass k8s/validate.mjs" validate "${files[@]}"

# ---- namespace, Azurite, the scale app -------------------------------------------------
create_ns() {
  timeout 60 kubectl create namespace "$ns" >/dev/null 2>&1 || { why="kubectl create namespace failed"; return 1; }
  ns_created=1
}
require "namespace $ns" create_ns

azurite() {
  k apply -f - >/dev/null <<EOF || return 1
apiVersion: apps/v1
kind: Deployment
metadata:
  name: azurite
  labels: {app: azurite}
spec:
  replicas: 1
  selector:
    matchLabels: {app: azurite}
  template:
    metadata:
      labels: {app: azurite}
    spec:
      containers:
        - name: azurite
          image: $AZURITE_IMAGE
          command: [azurite, --blobHost, 0.0.0.0, --queueHost, 0.0.0.0, --tableHost, 0.0.0.0,
                    --skipApiVersionCheck, --loose]
          ports:
            - {name: blob, containerPort: 10000}
            - {name: queue, containerPort: 10001}
            - {name: table, containerPort: 10002}
          readinessProbe:
            tcpSocket: {port: 10001}
            periodSeconds: 2
---
apiVersion: v1
kind: Service
metadata:
  name: azurite
spec:
  selector: {app: azurite}
  ports:
    - {name: blob, port: 10000, targetPort: 10000}
    - {name: queue, port: 10001, targetPort: 10001}
    - {name: table, port: 10002, targetPort: 10002}
EOF
  rollout azurite
}

rollout() {  # rollout DEPLOYMENT: Available within $WAIT s
  timeout $((WAIT + 20)) kubectl -n "$ns" rollout status "deployment/$1" --timeout="${WAIT}s" \
    >"$work/rollout.log" 2>&1 || { why=$(tail -1 "$work/rollout.log"); return 1; }
}

require "Azurite ($AZURITE_IMAGE) is available" azurite
require "kubectl apply of the scale app's manifests" apply "$logdir/scale.yaml"
[ "$keda" = 1 ] || say "  (KEDA is not installed: its ScaledObjects were left out)"
check "deployment scale-http becomes Available (${WAIT} s)" rollout scale-http
check "deployment scale-triggers becomes Available (${WAIT} s)" rollout scale-triggers

secret_value() {  # secret_value SECRET KEY
  k get secret "$1" -o "jsonpath={.data.$2}" | base64 -d
}
connection=""
settings_secret() {
  connection=$(secret_value scale-settings AzureWebJobsStorage) || { why="no AzureWebJobsStorage in scale-settings"; return 1; }
  case "$connection" in
    *"QueueEndpoint=http://azurite:10001/devstoreaccount1"*) return 0 ;;
    *) why="AzureWebJobsStorage is ${connection:0:60}..."; return 1 ;;
  esac
}
check "Secret scale-settings: UseDevelopmentStorage=true rewritten for Azurite at azurite" settings_secret

# ---- HTTP through the Service ----------------------------------------------------------
base_url=""
port_forward() {
  kubectl -n "$ns" port-forward svc/scale-http :80 >"$work/port-forward.log" 2>&1 &
  pf_pid=$!
  local _ port
  for _ in $(seq 1 30); do
    port=$(sed -n 's/^Forwarding from 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$work/port-forward.log" | head -1)
    if [ -n "$port" ]; then base_url="http://127.0.0.1:$port"; return 0; fi
    kill -0 "$pf_pid" 2>/dev/null || break
    sleep 1
  done
  why=$(tail -1 "$work/port-forward.log")
  return 1
}
status_of() { curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$@" || true; }
expect_status() {  # expect_status CODE URL: within 30 s (the first request may wait for a worker)
  local want=$1 url=$2 got="" _
  for _ in $(seq 1 15); do
    got=$(status_of "$url")
    [ "$got" = "$want" ] && return 0
    sleep 2
  done
  why="got $got"
  return 1
}
if gate "kubectl port-forward svc/scale-http" port_forward; then
  check "GET /api/hello answers 200 through the Service" expect_status 200 "$base_url/api/hello"
  check "GET /api/secured without a key answers 401" expect_status 401 "$base_url/api/secured"
  function_key=$(secret_value scale-keys PYFN_FUNCTION_KEY 2>/dev/null || true)
  if [ -n "$function_key" ]; then
    check "GET /api/secured with the function key of Secret scale-keys answers 200" \
      expect_status 200 "$base_url/api/secured?code=$function_key"
  else
    why="no PYFN_FUNCTION_KEY in Secret scale-keys"
    bad "GET /api/secured with the function key of Secret scale-keys answers 200"
  fi
fi

# ---- storage: a client pod from the app image ------------------------------------------
storage_pod() {
  k run storage-client --image="$scale_image" --image-pull-policy=IfNotPresent --restart=Never \
    --env="AZURITE_CONNECTION_STRING=$connection" --command -- sleep 3600 >/dev/null 2>&1 || { why="kubectl run failed"; return 1; }
  timeout 150 kubectl -n "$ns" wait --for=condition=Ready pod/storage-client --timeout=120s >/dev/null 2>&1 || { why="not Ready within 120 s"; return 1; }
}
sc() { k exec storage-client -- python3 /opt/pyfn-test/storage-client.py "$@"; }
count() { { sc count "$1" 2>/dev/null || true; } | tr -dc '0-9'; }

storage=0
if [ -n "$connection" ] && gate "a storage client pod (python3 + tests/helpers/storage-client.py)" storage_pod; then
  storage=1
fi

ticks() {  # the timer (every 2 s) writes to scale-ticks
  local _ n=0
  for _ in $(seq 1 30); do
    n=$(count scale-ticks); [ "${n:-0}" -gt 0 ] && return 0
    sleep 2
  done
  why="scale-ticks has ${n:-0} messages after 60 s"
  return 1
}
if [ "$storage" = 1 ]; then
  check "timer tick runs in scale-triggers (messages on scale-ticks within 60 s)" ticks
fi

# ---- KEDA: scale from zero and back ---------------------------------------------------
jp() { k get "$1" "$2" -o "jsonpath=$3" 2>/dev/null; }
wait_for() {  # wait_for SECONDS CMD...: CMD every 5 s until it succeeds
  local deadline=$((SECONDS + $1)); shift
  while ! "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 5
  done
}
scale_min_one() {
  local v; v=$(jp scaledobject scale-triggers '{.spec.minReplicaCount}')
  [ "$v" = 1 ] || { why="minReplicaCount is ${v:-missing}"; return 1; }
}
queue_ready() {
  [ "$(jp scaledobject queue-triggers '{.status.conditions[?(@.type=="Ready")].status}')" = True ]
}
replicas() { jp deployment queue-triggers '{.spec.replicas}'; }
at_zero() {
  local r p; r=$(replicas)
  p=$(k get pods -l app.kubernetes.io/name=queue -o name 2>/dev/null | wc -l)
  if [ "${r:-x}" = 0 ] && [ "$p" = 0 ]; then return 0; fi
  why="spec.replicas ${r:-?}, $p pod(s)"
  return 1
}
drained() {
  local done_n in_n
  done_n=$(count k8s-done); in_n=$(count k8s-in)
  why="k8s-in ${in_n:-?}, k8s-done ${done_n:-?}"
  [ "${in_n:-1}" = 0 ] && [ "${done_n:-0}" -ge "$MESSAGES" ]
}
back_to_zero() { [ "$(replicas)" = 0 ]; }

queue_setup() {
  # The queue exists before KEDA asks for its length (no replica creates it at zero).
  sc put-many k8s-in 0 >/dev/null 2>&1 || { why="cannot create queue k8s-in"; return 1; }
  apply "$logdir/queue.yaml"
}

keda_checks=(
  "ScaledObject scale-triggers: minReplicaCount 1 (tests/apps/scale has a timer)"
  "ScaledObject queue-triggers becomes Ready (90 s)"
  "deployment queue-triggers starts at 0 replicas"
  "$MESSAGES messages on k8s-in: queue-triggers scales out (> 0 replicas within ${WAIT} s)"
  "queue drained: k8s-in empty, k8s-done has $MESSAGES messages (${WAIT} s)"
  "queue-triggers back to 0 replicas (cooldownPeriod $COOLDOWN s, within ${WAIT} s)"
)
if [ "$keda" = 0 ]; then
  for c in "${keda_checks[@]}"; do skipped "$c: KEDA is not installed"; done
elif [ -z "$queue_image" ] || [ "$storage" = 0 ]; then
  check "${keda_checks[0]}" scale_min_one
  for c in "${keda_checks[@]:1}"; do skipped "$c: ${queue_image:+no storage client}${queue_image:-no PYFN_K8S_QUEUE_IMAGE}"; done
else
  check "${keda_checks[0]}" scale_min_one
  peak=0
  peak_replicas() {  # > 0 replicas; remembers the most seen
    local r; r=$(replicas)
    [ "${r:-0}" -le "$peak" ] || peak=$r
    [ "${r:-0}" -gt 0 ]
  }
  put_messages() {
    sc put-many k8s-in "$MESSAGES" load >/dev/null 2>"$work/put.err" || { why=$(tail -1 "$work/put.err"); return 1; }
  }
  if gate "queue app applied (queue k8s-in created; cooldownPeriod $COOLDOWN, pollingInterval $POLLING)" queue_setup &&
     gate "${keda_checks[1]}" wait_for 90 queue_ready &&
     gate "${keda_checks[2]}" at_zero &&
     gate "$MESSAGES messages put on k8s-in (storage-client.py put-many)" put_messages &&
     gate "${keda_checks[3]}" wait_for "$WAIT" peak_replicas &&
     gate "${keda_checks[4]}" wait_for "$WAIT" drained; then
    say "  (k8s-done: $(count k8s-done) messages; up to $peak replicas)"
    check "${keda_checks[5]}" wait_for "$WAIT" back_to_zero
  fi
fi

finish
