#!/usr/bin/env bash
# Rewrites the config of an image podman built so that it depends only on the build's
# inputs, and moves the image's tags to the result:
#   scripts/normalize-image-config.sh TAG [TAG...]      (the first tag names the image)
# What it changes (layers, settings and labels stay):
# - the Docker-format fields that name the build's intermediate container and image
#   ("container", "container_config", "parent") are removed and the config's "Hostname"
#   (the build container's) emptied;
# - the comments "FROM <intermediate image id>" that buildah writes with --layers (those
#   ids come from intermediate images and are not reproducible) are removed; comments
#   naming a real base ("FROM docker.io/library/debian:bookworm-slim") stay;
# - every history "created" time becomes the image's own creation time, which podman's
#   --timestamp set to SOURCE_DATE_EPOCH (it leaves the times of steps taken from the
#   layer cache and of the imported base image as they were).
# BuildKit (docker buildx, CI) writes none of these, and clamps times itself.
# Needs skopeo (make deps). Prints "normalized TAG: OLD-ID -> NEW-ID" or "unchanged".
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ $# -gt 0 ] || { sed -n '2,16p' "$0"; exit 2; }
export CONTAINERS_CONF=${CONTAINERS_CONF:-$PWD/images/podman/containers.conf}
export CONTAINERS_STORAGE_CONF=${CONTAINERS_STORAGE_CONF:-$PWD/images/podman/storage.conf}
engine=./scripts/engine.sh
command -v skopeo >/dev/null || { echo "normalize-image-config: skopeo is not installed (make deps)" >&2; exit 127; }

image=$1
old_id=$("$engine" image inspect --format '{{.Id}}' "$image")
dir=$(mktemp -d "${TMPDIR:-/tmp}/pyfn-normalize.XXXXXX")
trap 'rm -rf "$dir"' EXIT

# Podman stores short names under localhost/; skopeo would read them as docker.io/.
qualified() { case "${1%%/*}" in *.*|*:*|localhost) echo "$1" ;; *) echo "localhost/$1" ;; esac; }
skopeo copy --quiet "containers-storage:$old_id" "dir:$dir"
changed=$(python3 - "$dir" <<'PY'
import hashlib, json, os, re, sys
root = sys.argv[1]
manifest_path = os.path.join(root, "manifest.json")
manifest = json.load(open(manifest_path))
old_digest = manifest["config"]["digest"]
old_path = os.path.join(root, old_digest.split(":")[1])
config = json.load(open(old_path))
created = config["created"]
for key in ("container", "container_config", "parent"):
    config.pop(key, None)
if "Hostname" in config.get("config", {}):
    config["config"]["Hostname"] = ""
for entry in config.get("history", []):
    if re.fullmatch(r"FROM [0-9a-f]{12,64}", entry.get("comment", "")):
        del entry["comment"]
    if "created" in entry:
        entry["created"] = created
data = json.dumps(config, separators=(",", ":"), sort_keys=True).encode()
digest = "sha256:" + hashlib.sha256(data).hexdigest()
if digest == old_digest:
    print("no")
    sys.exit(0)
os.remove(old_path)
with open(os.path.join(root, digest.split(":")[1]), "wb") as f:
    f.write(data)
manifest["config"]["digest"] = digest
manifest["config"]["size"] = len(data)
with open(manifest_path, "w") as f:
    json.dump(manifest, f, separators=(",", ":"))
print("yes")
PY
)
if [ "$changed" = no ]; then
  echo "unchanged $image: ${old_id:0:12}"
  exit 0
fi
skopeo copy --quiet "dir:$dir" "containers-storage:$(qualified "$image")"
for tag in "${@:2}"; do "$engine" tag "$image" "$tag"; done  # moves each tag to the new image
echo "normalized $image: ${old_id:0:12} -> $("$engine" image inspect --format '{{.Id}}' "$image" | cut -c1-12)"
