#!/usr/bin/env bash
# The container engine, with docker's command line:
#   scripts/engine.sh run --rm pyfn/python:3.11-slim-bookworm pyfn-worker --version
#   scripts/engine.sh --which      prints "docker" or "podman"
# Uses `docker` when a Docker daemon answers; otherwise podman with the project's own
# settings (images/podman/*.conf: vfs storage, cgroupfs, runc, host networking, ulimits
# within the machine's hard limits), pointed to by CONTAINERS_CONF and
# CONTAINERS_STORAGE_CONF so that nothing under /etc changes.
# PYFN_ENGINE=docker|podman forces a choice.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# Only the names count: the test harness keeps this script's own path in PYFN_ENGINE,
# and exec'ing that would recurse forever.
case "${PYFN_ENGINE:-}" in
  docker|podman) engine=$PYFN_ENGINE ;;
  *) engine="" ;;
esac
if [ -z "$engine" ]; then
  if command -v docker >/dev/null 2>&1 && timeout 10 docker info >/dev/null 2>&1; then
    engine=docker
  elif command -v podman >/dev/null 2>&1; then
    engine=podman
  else
    echo "engine.sh: no Docker daemon answers and podman is not installed (run: make deps)" >&2
    exit 127
  fi
fi

if [ "${1:-}" = --which ]; then
  echo "$engine"
  exit 0
fi

if [ "$engine" = podman ]; then
  export CONTAINERS_CONF=${CONTAINERS_CONF:-$here/../images/podman/containers.conf}
  export CONTAINERS_STORAGE_CONF=${CONTAINERS_STORAGE_CONF:-$here/../images/podman/storage.conf}
fi
exec "$engine" "$@"
