#!/usr/bin/env bash
# Builds cells (both variants) twice without cache and compares the images.
#   scripts/verify-reproducible.sh                      every default cell of docker-bake.hcl
#   scripts/verify-reproducible.sh python311-bookworm   one cell (or several)
# Same inputs (sources, SOURCE_DATE_EPOCH, base image, Debian archive state or
# DEBIAN_SNAPSHOT) must give the same image ID (config digest) and the same layers. When
# they differ, the script names the layers that differ and, inside them, the files
# (path, mode, owner, mtime, size, content hash), which says why.
# Output: one line per image, "identical" or "DIFFERENT", a verdict per cell and a
# summary (exit 1 if any image differs). Work files in $OUT/reproducible/<cell>/.
# Several cells run one after the other (each cell's two builds back to back).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ $# -eq 0 ]; then
  mapfile -t cells < <(./scripts/buildx.sh bake --print default 2>/dev/null |
    python3 -c 'import json,sys; print("\n".join(sorted({t["labels"]["io.pyfn.cell"] for t in json.load(sys.stdin)["target"].values()})))')
  [ ${#cells[@]} -gt 0 ] || { echo "verify-reproducible: no default cells in docker-bake.hcl" >&2; exit 2; }
  echo "verify-reproducible: every default cell: ${cells[*]}"
  t_all=$SECONDS verdicts=() status=0
  for c in "${cells[@]}"; do
    t_cell=$SECONDS
    if "$0" "$c"; then verdicts+=("$c: identical ($((SECONDS - t_cell))s)"); else status=1; verdicts+=("$c: DIFFERENT ($((SECONDS - t_cell))s)"); fi
  done
  echo "== verify-reproducible summary ($((SECONDS - t_all))s)"
  printf '  %s\n' "${verdicts[@]}"
  exit $status
fi
if [ $# -gt 1 ]; then
  status=0
  for c in "$@"; do "$0" "$c" || status=1; done
  exit $status
fi
cell=$1
engine=./scripts/engine.sh
OUT=${OUT:-out}
work="$OUT/reproducible/$cell"
rm -rf "$work"
mkdir -p "$work"
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}
# The same revision label in both builds, even if HEAD moves meanwhile.
export REVISION=${REVISION:-$(git rev-parse HEAD 2>/dev/null || echo unknown)}

# The tags of the cell's targets, from the bake file.
mapfile -t images < <(./scripts/buildx.sh bake --print default legacy 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
for name, t in sorted(d["target"].items()):
    if t.get("labels", {}).get("io.pyfn.cell") == sys.argv[1]:
        print(t["tags"][0])' "$cell")
[ ${#images[@]} -gt 0 ] || { echo "verify-reproducible: unknown cell $cell" >&2; exit 2; }

record() {  # record ROUND: image ID and layer digests of every image of the cell
  local round=$1 img
  for img in "${images[@]}"; do
    {
      echo "id $("$engine" image inspect --format '{{.Id}}' "$img")"
      "$engine" image inspect --format '{{range .RootFS.Layers}}{{println .}}{{end}}' "$img" | sed '/^$/d; s/^/layer /'
    } >"$work/$round.$(echo "$img" | tr '/:' '__')"
  done
}

list_layer() {  # list_layer IMAGE LAYER-DIGEST OUTFILE: the files of one layer, one line each
  local img=$1 digest=$2 out=$3 dir
  dir=$(mktemp -d -p "$work")
  "$engine" save --format docker-dir -o "$dir/img" "$img" >/dev/null 2>&1 || { echo "(cannot save $img)" >"$out"; return; }
  python3 - "$dir/img" "$digest" >"$out" <<'PY'
import hashlib, json, os, sys, tarfile
root, want = sys.argv[1], sys.argv[2]
manifest = json.load(open(os.path.join(root, "manifest.json")))
config = json.load(open(os.path.join(root, manifest["config"]["digest"].split(":")[1])))
diff_ids = config["rootfs"]["diff_ids"]
layer = manifest["layers"][diff_ids.index(want)]
path = os.path.join(root, layer["digest"].split(":")[1])
with tarfile.open(path) as tar:
    for m in tar:
        h = ""
        if m.isfile():
            h = hashlib.sha256(tar.extractfile(m).read()).hexdigest()[:16]
        link = m.linkname if (m.issym() or m.islnk()) else ""
        xattrs = ",".join(sorted(k for k in m.pax_headers if k.startswith("SCHILY.xattr")))
        print(f"{m.name}\t{m.mode:o}\t{m.uid}:{m.gid}\t{int(m.mtime)}\t{m.size}\t{h}{link}\t{xattrs}")
PY
  rm -rf "$dir"
}

raw_config() {  # raw_config IMAGE: the image's config JSON as stored (the bytes its ID hashes)
  if [ "$("$engine" --which)" = podman ]; then
    CONTAINERS_CONF=$PWD/images/podman/containers.conf CONTAINERS_STORAGE_CONF=$PWD/images/podman/storage.conf \
      skopeo inspect --raw --config "containers-storage:$("$engine" image inspect --format '{{.Id}}' "$1")" |
      python3 -m json.tool
  else
    "$engine" image inspect --format '{{json .}}' "$1" | python3 -m json.tool | grep -v '"Id"\|RepoTags\|RepoDigests\|"Digest"'
  fi
}

t0=$SECONDS
for round in a b; do
  echo "== verify-reproducible $cell: build $round (no cache)"
  ./scripts/build-images.sh --quiet --no-cache --cell "$cell"
  record "$round"
  if [ "$round" = a ]; then
    # Keep the first build's layers for the comparison: tag them.
    for img in "${images[@]}"; do "$engine" tag "$img" "$img-repro-a"; done
  fi
done

verdict=0
for img in "${images[@]}"; do
  f=$(echo "$img" | tr '/:' '__')
  if cmp -s "$work/a.$f" "$work/b.$f"; then
    echo "identical  $img  $(head -1 "$work/a.$f" | cut -d' ' -f2)"
    continue
  fi
  verdict=1
  echo "DIFFERENT  $img"
  echo "  build a: $(head -1 "$work/a.$f")"
  echo "  build b: $(head -1 "$work/b.$f")"
  mapfile -t la < <(sed -n 's/^layer //p' "$work/a.$f")
  mapfile -t lb < <(sed -n 's/^layer //p' "$work/b.$f")
  if [ ${#la[@]} != ${#lb[@]} ]; then echo "  layer count differs: ${#la[@]} vs ${#lb[@]}"; fi
  for i in "${!la[@]}"; do
    [ "${la[$i]}" != "${lb[$i]:-}" ] || continue
    echo "  layer $i differs: ${la[$i]} vs ${lb[$i]:-none}"
    list_layer "$img-repro-a" "${la[$i]}" "$work/layer$i.a"
    list_layer "$img" "${lb[$i]:-}" "$work/layer$i.b"
    diff "$work/layer$i.a" "$work/layer$i.b" | grep '^[<>]' | head -40 | sed 's/^/    /' || true
  done
  if [ -z "$(diff <(sed -n 's/^layer //p' "$work/a.$f") <(sed -n 's/^layer //p' "$work/b.$f"))" ]; then
    echo "  layers identical: only the image config differs:"
    diff <(raw_config "$img-repro-a") <(raw_config "$img") | grep '^[<>]' | head -20 | sed 's/^/    /' || true
  fi
done
for img in "${images[@]}"; do "$engine" rmi "$img-repro-a" >/dev/null 2>&1 || true; done

echo "verify-reproducible $cell: $([ $verdict = 0 ] && echo 'identical digests' || echo 'images differ (see above)') after $((SECONDS - t0))s"
exit $verdict
