# App lifecycle: start a sample app natively or in a container, wait until the host says
# Running, stop it. Sourced by common.bash.
#
# Every started app is an "instance" with a name (default "app"); its state lives in
# $BATS_FILE_TMPDIR/pyfn/<name>/ (kind, pid or container, port, log, app dir), so setup_file
# can start several and teardown_file stops them all with pyfn_stop_all.
#
#   pyfn_start [options] APP      start APP and wait until Running (fails with the log dumped)
#     -n NAME                     instance name (default: app)
#     -e KEY=VALUE                extra environment for the host and its workers (repeatable)
#     -i IMAGE                    container only: run IMAGE (a derived image that already holds
#                                 the app at /home/site/wwwroot) instead of mounting APP
#     -a ARG                      container only: extra `run` argument (repeatable)
#     -w                          do not wait for readiness (use pyfn_wait_ready)
#     -P                          container only: keep the image's own port (80); with host
#                                 networking the test talks to port 80 of this machine
#   APP is a folder name under tests/apps/, or a path.
#   pyfn_stop [NAME] / pyfn_stop_all   stop one / every instance (teardown_file)
#   pyfn_wait_ready [NAME] [TIMEOUT]   poll /admin/host/status until "Running"; fail early if the
#                                      process or container died; dump the log on failure
#   pyfn_url [NAME]                    base URL, e.g. http://127.0.0.1:41234
#   pyfn_alive [NAME]                  status 0 while the host process / container runs
#   pyfn_wait_exit NAME SECS           wait until the host ends; its exit status in $exit_status
#   pyfn_pid [NAME] / pyfn_container [NAME]
#   pyfn_copy_app APP                  copy an app into $BATS_FILE_TMPDIR (to add packages
#                                      fetched at test time) and print the copy's path
#   pyfn_engine ARGS...                scripts/engine.sh (docker, else podman) with ARGS
#   pyfn_build_image CONTEXT TAG       build CONTEXT/Dockerfile as TAG: build args BASE_IMAGE =
#                                      $PYFN_IMAGE, INSTALL_IMAGE = its full variant (has pip)

# pyfn_free_port: print a TCP port that is free on 127.0.0.1 right now.
pyfn_free_port() {
  /usr/bin/python3 - <<'EOF'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
EOF
}

# Every engine call is bounded (PYFN_ENGINE_TIMEOUT, default 120 s; builds: 1800 s) so that a
# stuck engine fails the test instead of hanging the suite.
pyfn_engine() {
  local t=${PYFN_ENGINE_TIMEOUT:-120}
  [ "${1:-}" != build ] || t=${PYFN_BUILD_TIMEOUT:-1800}
  local rc=0
  timeout "$t" "$PYFN_ENGINE" "$@" || rc=$?
  [ "$rc" != 124 ] || echo "pyfn_engine: '$1' timed out after ${t}s" >&2
  return "$rc"
}

# pyfn_app_dir APP: absolute path of a sample app.
pyfn_app_dir() {
  case "$1" in
    /*) printf '%s\n' "$1" ;;
    */*) (cd "$1" && pwd) ;;
    *) printf '%s\n' "$PYFN_APPS/$1" ;;
  esac
}

pyfn_copy_app() {
  local src dst
  src=$(pyfn_app_dir "$1")
  dst="$BATS_FILE_TMPDIR/apps/$(basename "$src")"
  rm -rf "$dst"
  mkdir -p "$(dirname "$dst")"
  cp -a "$src" "$dst"
  printf '%s\n' "$dst"
}

_pyfn_state() {  # _pyfn_state NAME [FILE]
  local d="$BATS_FILE_TMPDIR/pyfn/${1:-app}"
  if [ $# -ge 2 ]; then cat "$d/$2" 2>/dev/null; else printf '%s\n' "$d"; fi
}

pyfn_url() { printf 'http://127.0.0.1:%s\n' "$(_pyfn_state "${1:-app}" port)"; }
pyfn_pid() { _pyfn_state "${1:-app}" pid; }
pyfn_container() { _pyfn_state "${1:-app}" container; }

# Containers publish the host's port 80 on a free local port. An engine configured for host
# networking (podman here, images/podman/containers.conf) cannot publish; then the host inside
# listens on the chosen port directly (FUNCTIONS_HTTP_PORT) and image.bats checks port 80 (I2)
# separately.
_pyfn_container_net_args() {  # _pyfn_container_net_args PORT
  if pyfn_engine_host_network; then
    printf '%s\n' --network=host -e "FUNCTIONS_HTTP_PORT=$1"
  else
    printf '%s\n' -p "127.0.0.1:$1:80"
  fi
}

# pyfn_engine_host_network: status 0 when containers share the machine's network namespace
# (PYFN_CONTAINER_NET=host|bridge forces the answer).
pyfn_engine_host_network() {
  case "${PYFN_CONTAINER_NET:-auto}" in
    host) return 0 ;;
    bridge) return 1 ;;
  esac
  if [ -z "${_PYFN_NET_CACHED:-}" ]; then
    # scripts/engine.sh runs podman with images/podman/containers.conf (netns = "host") when
    # no Docker daemon answers; docker publishes ports.
    _PYFN_NET_CACHED=bridge
    if [ "$("$PYFN_ENGINE" --which 2>/dev/null)" = podman ] &&
       grep -Eqs '^ *netns *= *"host"' "${CONTAINERS_CONF:-$PYFN_ROOT/images/podman/containers.conf}"; then
      _PYFN_NET_CACHED=host
    fi
    export _PYFN_NET_CACHED
  fi
  [ "$_PYFN_NET_CACHED" = host ]
}

pyfn_start() {
  local name=app image="" wait=1 own_port=0 OPTIND opt
  local -a envs=() engine_args=()
  while getopts "n:e:i:a:wP" opt; do
    case "$opt" in
      n) name=$OPTARG ;;
      e) envs+=("$OPTARG") ;;
      i) image=$OPTARG ;;
      a) engine_args+=("$OPTARG") ;;
      w) wait=0 ;;
      P) own_port=1 ;;
      *) echo "pyfn_start: bad option" >&2; return 2 ;;
    esac
  done
  shift $((OPTIND - 1))
  local app="${1:-}"
  [ -n "$app" ] || [ -n "$image" ] || { echo "pyfn_start: no app" >&2; return 2; }

  local dir="" state port log
  [ -z "$app" ] || dir=$(pyfn_app_dir "$app")
  state=$(_pyfn_state "$name")
  if [ -e "$state/kind" ]; then pyfn_stop "$name"; fi
  rm -rf "$state"; mkdir -p "$state"
  port=$(pyfn_free_port)
  if [ "$own_port" = 1 ] && [ "$PYFN_TARGET" = image ] && pyfn_engine_host_network; then
    port=80
  fi
  log="$state/host.log"
  printf '%s\n' "$port" >"$state/port"
  printf '%s\n' "$log" >"$state/logpath"
  printf '%s\n' "$dir" >"$state/app"

  if [ "$PYFN_TARGET" = native ]; then
    [ -n "$dir" ] || { echo "pyfn_start: -i IMAGE needs PYFN_IMAGE" >&2; return 2; }
    [ -x "$PYFN_BIN/pyfn-host" ] || { echo "pyfn_start: $PYFN_BIN/pyfn-host is missing (make build)" >&2; return 1; }
    echo native >"$state/kind"
    # Own session (setsid) so pyfn_stop can signal the host and its workers together;
    # fd 3 closed and output to a file so bats does not wait for the background process.
    # Started from / (not from the app): the host must run its workers in the script root
    # itself, as Azure's host does.
    (
      cd / || exit 1
      exec env "${envs[@]}" setsid "$PYFN_BIN/pyfn-host" --script-root "$dir" --port "$port"
    ) </dev/null >"$log" 2>&1 3>&- &
    echo $! >"$state/pid"
  else
    local cname
    cname="pyfn-test_$(basename "${dir:-${image//[^a-zA-Z0-9]/_}}")_${RANDOM}${RANDOM}"
    echo container >"$state/kind"
    echo "$cname" >"$state/container"
    local -a args=(run -d --name "$cname" --read-only --tmpfs /tmp)
    [ -z "$dir" ] || [ -n "$image" ] || args+=(-v "$dir:/home/site/wwwroot:ro")
    local a
    if [ "$own_port" = 1 ] && pyfn_engine_host_network; then
      args+=(--network=host)
    else
      while IFS= read -r a; do args+=("$a"); done < <(_pyfn_container_net_args "$port")
    fi
    for a in "${envs[@]}"; do args+=(-e "$a"); done
    args+=("${engine_args[@]}" "${image:-$PYFN_IMAGE}")
    printf '%q ' "$PYFN_ENGINE" "${args[@]}" >"$state/command"
    if ! pyfn_engine "${args[@]}" >"$state/run.out" 2>&1; then
      echo "pyfn_start: container $cname did not start:" >&2
      cat "$state/run.out" >&2
      return 1
    fi
  fi
  [ "$wait" = 0 ] || pyfn_wait_ready "$name"
}

pyfn_alive() {
  local name="${1:-app}" kind
  kind=$(_pyfn_state "$name" kind)
  case "$kind" in
    native) kill -0 "$(_pyfn_state "$name" pid)" 2>/dev/null ;;
    container)
      [ "$(pyfn_engine inspect -f '{{.State.Running}}' "$(_pyfn_state "$name" container)" 2>/dev/null)" = true ] ;;
    *) return 1 ;;
  esac
}

# pyfn_status [NAME]: print the JSON of /admin/host/status (empty if it does not answer).
pyfn_status() {
  curl -s --max-time 2 "$(pyfn_url "${1:-app}")/admin/host/status" 2>/dev/null || true
}

pyfn_wait_ready() {
  local name="${1:-app}" timeout="${2:-${PYFN_START_TIMEOUT:-60}}"
  local deadline=$((SECONDS + timeout)) body=""
  while [ "$SECONDS" -lt "$deadline" ]; do
    if ! pyfn_alive "$name"; then
      echo "pyfn: '$name' died before it was ready" >&2
      pyfn_dump_log "$name" >&2
      return 1
    fi
    body=$(pyfn_status "$name")
    if printf '%s' "$body" | grep -Eq '"state" *: *"Running"'; then
      return 0
    fi
    sleep 0.2
  done
  echo "pyfn: '$name' not Running after ${timeout}s; last status: ${body:-<no answer>}" >&2
  pyfn_dump_log "$name" >&2
  return 1
}

# pyfn_dump_log [NAME] [LINES]: the last LINES (default 150) lines of the host log, framed.
pyfn_dump_log() {
  local name="${1:-app}" lines="${2:-150}"
  echo "----- pyfn log of '$name' (last $lines lines) -----"
  pyfn_log "$name" | tail -n "$lines"
  echo "----- end of log -----"
}

pyfn_stop() {
  local name="${1:-app}" state kind pid cname
  state=$(_pyfn_state "$name")
  kind=$(_pyfn_state "$name" kind)
  case "$kind" in
    native)
      pid=$(_pyfn_state "$name" pid)
      if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      fi
      # Whatever is left of the session setsid gave the host (workers have their own process
      # groups but stay in that session).
      local left
      left=$(ps -o pid= --sid "$pid" 2>/dev/null | tr -d ' ' || true)
      [ -z "$left" ] || kill -KILL $left 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
      ;;
    container)
      cname=$(_pyfn_state "$name" container)
      pyfn_engine logs "$cname" >"$state/host.log" 2>&1 || true
      pyfn_engine rm -f "$cname" >/dev/null 2>&1 || true
      ;;
    *) return 0 ;;
  esac
  rm -f "$state/kind"
  _pyfn_keep_log "$name"
}

# pyfn_wait_exit NAME SECS: the host (process or container) ends within SECS; its exit
# status in $exit_status. Fails, with the log, if it still runs.
pyfn_wait_exit() {
  local name="$1" secs="$2"
  for _ in $(seq 1 $((secs * 5))); do pyfn_alive "$name" || break; sleep 0.2; done
  if pyfn_alive "$name"; then
    pyfn_dump_log "$name"
    fail "host '$name' still runs after $secs s"
    return 1
  fi
  # exit_status: for the caller (tests assert on it after pyfn_wait_exit).
  exit_status=0
  # shellcheck disable=SC2034
  case "$(_pyfn_state "$name" kind)" in
    native) wait "$(_pyfn_state "$name" pid)" || exit_status=$? ;;
    container)
      exit_status=$(pyfn_engine inspect -f '{{.State.ExitCode}}' "$(_pyfn_state "$name" container)") ;;
  esac
}

pyfn_stop_all() {
  local d
  for d in "$BATS_FILE_TMPDIR"/pyfn/*/; do
    [ -e "$d/kind" ] || continue
    pyfn_stop "$(basename "$d")"
  done
}

# Keep each instance's log after the run: out/test-results/logs/<target>/<file>-<name>.log
_pyfn_keep_log() {
  local name="$1" dir file
  dir="${PYFN_LOG_DIR:-$PYFN_ROOT/out/test-results/logs}/${PYFN_IMAGE:+$(printf '%s' "$PYFN_IMAGE" | tr '/:' '__')}"
  [ -n "${PYFN_IMAGE:-}" ] || dir="$dir/native"
  file="$(basename "${BATS_TEST_FILENAME:-x.bats}" .bats)-$name.log"
  mkdir -p "$dir" 2>/dev/null && cp "$(_pyfn_state "$name")/host.log" "$dir/$file" 2>/dev/null || true
}

# pyfn_exec [-n NAME] CMD...: run CMD inside the instance's container.
pyfn_exec() {
  local name=app
  if [ "${1:-}" = -n ]; then name=$2; shift 2; fi
  pyfn_engine exec "$(_pyfn_state "$name" container)" "$@"
}

pyfn_build_image() {
  local context="$1" tag="$2"
  pyfn_engine build --build-arg "BASE_IMAGE=$PYFN_IMAGE" \
    --build-arg "INSTALL_IMAGE=${PYFN_IMAGE/-slim-/-}" -t "$tag" "$context"
}
