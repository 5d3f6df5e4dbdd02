#!/usr/bin/env bash
# Builds bake targets of docker-bake.hcl, with Docker or without it.
#   scripts/build-images.sh                      the default group (every cell, slim + full)
#   scripts/build-images.sh --cell python311-bookworm [--cell ...]   one cell, both variants
#   scripts/build-images.sh python311-slim-bookworm                  bake targets or groups
#   scripts/build-images.sh --arm64 [--cell ...]   the linux/arm64 targets (group "arm64"),
#                                  then multi-arch manifest lists of the cells built
# Options: --no-cache (build every step again), --quiet (progress lines only),
#   --manifests (after building: a manifest list <tag>-multiarch per tag whose amd64 and
#   -arm64 images both exist; podman; `podman manifest push --all` publishes it).
# Environment: SOURCE_DATE_EPOCH (default: last commit time), DEBIAN_SNAPSHOT, VERSION,
# REGISTRY (bake variables; REVISION and CREATED, the OCI revision and creation time, are
# set from the checkout), PYFN_ENGINE (docker|podman), OUT (default out),
# PYFN_CONTEXT (podman: another build context, e.g. a clean `git archive` tree); with Docker
# also PYFN_BUILDX_OUTPUT and PYFN_BUILDX_ARGS (see below).
#
# Where a Docker daemon answers: `docker buildx bake` per cell. Otherwise podman: the
# targets are read from `buildx bake --print` (scripts/buildx.sh; no daemon needed), the
# base images made offline if needed (scripts/base-images.sh), and each target given to
# `podman build` with the same Dockerfile, target stage, args, labels and tags.
# Progress: one line per cell and stage with the elapsed time; full logs in
# $OUT/images/<target>.log; sizes and times in $OUT/images/summary.tsv; each image's SBOM
# (copied out of the image) in $OUT/images/<target>.cdx.json.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
engine=./scripts/engine.sh
OUT=${OUT:-out}
logdir="$OUT/images"
mkdir -p "$logdir"

cells=() names=() no_cache=() quiet=0 arm64=0 manifests=0
while [ $# -gt 0 ]; do
  case "$1" in
    --arm64) arm64=1; manifests=1; shift ;;
    --manifests) manifests=1; shift ;;
    --cell) cells+=("$2"); shift 2 ;;
    --cell=*) cells+=("${1#--cell=}"); shift ;;
    --no-cache) no_cache=(--no-cache); shift ;;
    --quiet) quiet=1; shift ;;
    -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
    -*) echo "build-images: unknown option $1" >&2; exit 2 ;;
    *) names+=("$1"); shift ;;
  esac
done
if [ "$arm64" = 1 ]; then
  [ ${#names[@]} -gt 0 ] || names=(arm64)
else
  [ ${#names[@]} -gt 0 ] || [ ${#cells[@]} -gt 0 ] || names=(default)
  [ ${#cells[@]} -eq 0 ] || [ ${#names[@]} -gt 0 ] || names=(default legacy)
fi

export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}
# OCI metadata of the bake file: the revision and SOURCE_DATE_EPOCH as RFC 3339.
export REVISION=${REVISION:-$(git rev-parse HEAD 2>/dev/null || echo unknown)}
export CREATED=${CREATED:-$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)}
kind=$("$engine" --which)
# Podman keeps one image per name: the arm64 base gets Docker Hub's arm64-only name, and
# the builder stage of arm64 builds this machine's base labelled arm64 (base-images.sh
# --builder-for says why).
if [ "$kind" = podman ]; then
  export ARM64_BASE_IMAGE=${ARM64_BASE_IMAGE:-docker.io/arm64v8/debian:%s-slim}
  export ARM64_BUILDER_IMAGE=${ARM64_BUILDER_IMAGE:-localhost/pyfn/debian-$(dpkg --print-architecture)-for-arm64:%s-slim}
fi

# The resolved targets, one JSON object a line, in bake's order with slim before full
# (full builds FROM the slim stage, so it reuses its cached layers).
plan=$(./scripts/buildx.sh bake --print "${names[@]}" 2>/dev/null | python3 -c '
import json, sys
cells = set(sys.argv[1:])
d = json.load(sys.stdin)
rows = []
for name, t in d["target"].items():
    labels = t.get("labels", {})
    if cells and labels.get("io.pyfn.cell") not in cells:
        continue
    rows.append(dict(name=name, cell=labels.get("io.pyfn.cell", name),
                     variant=labels.get("io.pyfn.variant", ""), **t))
order = {"slim": 0, "full": 1}
rows.sort(key=lambda r: (r["cell"], order.get(r["variant"], 2)))
for r in rows:
    print(json.dumps(r))
' "${cells[@]}")
if [ -z "$plan" ]; then
  echo "build-images: no bake target matches: ${names[*]} ${cells[*]}" >&2
  exit 2
fi
total=$(wc -l <<<"$plan")
field() { python3 -c 'import json,sys; r=json.loads(sys.argv[1]); v=eval(sys.argv[2], {}, {"r": r}); print("\n".join(v) if isinstance(v, list) else v)' "$1" "$2"; }

t0=$SECONDS
say() { printf '[%s +%4ds] %s\n' "$(date -u +%H:%M:%S)" $((SECONDS - t0)) "$*"; }
say "build-images: $total target(s) with $kind, SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH${DEBIAN_SNAPSHOT:+, snapshot $DEBIAN_SNAPSHOT}"

# Base images (podman only: Docker pulls them itself). Builders run on this machine's
# platform (amd64 base); arm64 targets also need the arm64 base and qemu's binfmt handler.
if [ "$kind" = podman ]; then
  mapfile -t releases < <(while read -r r; do field "$r" 'r["args"]["DEBIAN_RELEASE"]'; done <<<"$plan" | sort -u)
  say "base images: ${releases[*]}"
  ./scripts/base-images.sh "${releases[@]}" 2>&1 | while read -r l; do say "$l"; done
  if grep -q '"linux/arm64"' <<<"$plan"; then
    ./scripts/binfmt.sh 2>&1 | while read -r l; do say "$l"; done
    ./scripts/base-images.sh --arch arm64 "${releases[@]}" 2>&1 | while read -r l; do say "$l"; done
    ./scripts/base-images.sh --builder-for arm64 "${releases[@]}" 2>&1 | while read -r l; do say "$l"; done
  fi
fi

# base_digest IMAGE: the digest of the base image as the engine has it (the label
# org.opencontainers.image.base.digest); a reference pinned with @sha256: is its own.
base_digest() {
  case "$1" in *@sha256:*) echo "${1##*@}"; return ;; esac
  if [ "$kind" = podman ]; then
    "$engine" image inspect --format '{{.Digest}}' "$1" 2>/dev/null || true
  else
    docker buildx imagetools inspect "$1" 2>/dev/null | awk '$1 == "Digest:" {print $2; exit}' || true
  fi
}

# save_sbom TAG TARGET: the SBOM the build wrote into the image, beside the build's outputs.
save_sbom() {
  local c
  c=$("$engine" create "$1" 2>/dev/null) || return 0
  "$engine" cp "$c:/opt/pyfn/share/pyfn/sbom.cdx.json" "$logdir/$2.cdx.json" >/dev/null 2>&1 || true
  "$engine" rm "$c" >/dev/null 2>&1 || true
}

# Prefixes podman's step lines with the cell, stage and elapsed time; keeps the full log.
progress() {  # progress LABEL LOG
  local label=$1 log=$2 line stage
  local -A stages=()
  while IFS= read -r line; do
    printf '%s\n' "$line" >>"$log"
    if [[ $line =~ ^\[([0-9]+)/[0-9]+\]\ STEP\ ([0-9]+/[0-9]+):\ (.*)$ ]]; then
      local idx=${BASH_REMATCH[1]} step=${BASH_REMATCH[2]} what=${BASH_REMATCH[3]}
      if [[ $what =~ ^FROM\ .*\ [Aa][Ss]\ ([A-Za-z0-9_-]+) ]]; then stages[$idx]=${BASH_REMATCH[1]}; fi
      stage=${stages[$idx]:-stage$idx}
      say "$label $stage step $step: ${what:0:90}"
    elif [[ $line =~ ^#[0-9]+\ \[([A-Za-z0-9_-]+)\ ([0-9]+/[0-9]+)\]\ (.*)$ ]]; then
      # BuildKit (docker buildx): "#12 [builder 5/9] RUN ..."
      say "$label ${BASH_REMATCH[1]} step ${BASH_REMATCH[2]}: ${BASH_REMATCH[3]:0:90}"
    elif [[ $line =~ ^(#[0-9]+\ [0-9.]+\ )?(builder:|check-libraries:|apt-install:) ]] && [ "$quiet" = 0 ]; then
      say "$label   ${line:0:160}"
    fi
  done
}

failed=() n=0
summary="$logdir/summary.tsv"
[ -s "$summary" ] || printf 'target\tengine\tseconds\tbytes\tstatus\n' >"$summary"
while read -r row; do
  n=$((n + 1))
  name=$(field "$row" 'r["name"]')
  cell=$(field "$row" 'r["cell"]')
  variant=$(field "$row" 'r["variant"]')
  log="$logdir/$name.log"
  : >"$log"
  start=$SECONDS
  say "== [$n/$total] $cell $variant ($name)"
  mapfile -t tags < <(field "$row" 'r.get("tags", [])')
  platform=$(field "$row" '(r.get("platforms") or [""])[0]')
  base=$(field "$row" 'r["args"].get("BASE_IMAGE", "")')
  digest=$(base_digest "$base")
  status=ok
  if [ "$kind" = docker ]; then
    # buildx passes SOURCE_DATE_EPOCH from the environment to the build (image config
    # timestamps). Layer file timestamps are clamped too only with an exporter that
    # supports rewrite-timestamp: PYFN_BUILDX_OUTPUT='type=docker,rewrite-timestamp=true'
    # with a docker-container builder (CI does this).
    # PYFN_BUILDX_ARGS: more bake arguments, e.g. CI's GitHub Actions cache
    # ("--set *.cache-from=type=gha,scope=X --set *.cache-to=type=gha,mode=max,scope=X").
    set_output=()
    [ -z "${PYFN_BUILDX_OUTPUT:-}" ] || set_output=(--set "$name.output=$PYFN_BUILDX_OUTPUT")
    [ -z "$digest" ] || set_output+=(--set "$name.labels.org.opencontainers.image.base.digest=$digest")
    # shellcheck disable=SC2086
    if ! docker buildx bake "${no_cache[@]}" "${set_output[@]}" ${PYFN_BUILDX_ARGS:-} "$name" \
         2>&1 | progress "$cell/$variant" "$log"; then status=failed; fi
  else
    ctx=${PYFN_CONTEXT:-$(field "$row" 'r.get("context", ".")')}
    # --timestamp: the image time = SOURCE_DATE_EPOCH. The history keeps buildah's
    # comments "FROM <intermediate id>" and the times of cached steps, which are not
    # reproducible: normalize-image-config.sh rewrites them after the build. Not
    # --omit-history: podman 4.3 then writes a history that does not match the layers,
    # images built FROM ours fail ("history lists 1 non-empty layers, but we have 6
    # layers"), and the layer cache stops matching (every build runs every step).
    args=(build --format docker --layers --pull=never --network host
          --timestamp "$SOURCE_DATE_EPOCH"
          -f "$ctx/$(field "$row" 'r["dockerfile"]')" --target "$(field "$row" 'r.get("target", "")')")
    # --platform: the target's; buildah then sets TARGETARCH (the builder stage
    # cross-compiles for it) and BUILDPLATFORM (the builder's own FROM).
    [ -z "$platform" ] || args+=(--platform "$platform")
    [ -z "$digest" ] || args+=(--label "org.opencontainers.image.base.digest=$digest")
    while read -r kv; do [ -n "$kv" ] && args+=(--build-arg "$kv"); done < <(field "$row" '[k + "=" + v for k, v in sorted(r.get("args", {}).items())]')
    while read -r kv; do [ -n "$kv" ] && args+=(--label "$kv"); done < <(field "$row" '[k + "=" + v for k, v in sorted(r.get("labels", {}).items())]')
    for t in "${tags[@]}"; do args+=(-t "$t"); done
    if ! "$engine" "${args[@]}" "${no_cache[@]}" "$ctx" \
         2>&1 | progress "$cell/$variant" "$log"; then status=failed; fi
    if [ "$status" = ok ]; then
      if note=$(./scripts/normalize-image-config.sh "${tags[@]}" 2>&1); then
        say "$cell/$variant config: $note"
      else
        status=failed
      fi
      printf '%s\n' "$note" >>"$log"
    fi
  fi
  secs=$((SECONDS - start))
  if [ "$status" = ok ]; then
    bytes=$("$engine" image inspect --format '{{.Size}}' "${tags[0]}" 2>/dev/null || echo 0)
    save_sbom "${tags[0]}" "$name"
    say "== [$n/$total] $cell $variant: built ${tags[0]} in ${secs}s, $((bytes / 1000000)) MB${platform:+ ($platform)}"
  else
    bytes=0
    failed+=("$name")
    say "== [$n/$total] $cell $variant: FAILED after ${secs}s; last lines of $log:"
    tail -25 "$log" | sed 's/^/    /'
  fi
  printf '%s\t%s\t%d\t%d\t%s\n' "$name" "$kind" "$secs" "$bytes" "$status" >>"$summary"
done <<<"$plan"

# Multi-arch manifest lists: <tag>-multiarch = <tag> (amd64) + <tag>-arm64, for every
# tag of the plan whose two images exist (podman; Docker's bake pushes multi-platform
# images itself with --set '*.platforms=linux/amd64,linux/arm64').
if [ "$manifests" = 1 ] && [ "$kind" = podman ]; then
  while read -r row; do
    while read -r tag; do
      amd=${tag%-arm64}
      [ "$amd" != "$tag" ] || continue
      "$engine" image inspect "$amd" >/dev/null 2>&1 && "$engine" image inspect "$tag" >/dev/null 2>&1 || continue
      list="$amd-multiarch"
      "$engine" manifest rm "$list" >/dev/null 2>&1 || true
      if "$engine" manifest create "$list" >/dev/null &&
         "$engine" manifest add "$list" "containers-storage:$(./scripts/engine.sh image inspect --format '{{.Id}}' "$amd")" >/dev/null &&
         "$engine" manifest add "$list" "containers-storage:$(./scripts/engine.sh image inspect --format '{{.Id}}' "$tag")" >/dev/null; then
        say "manifest list $list: $amd (amd64) + $tag (arm64)"
      else
        say "manifest list $list: FAILED"
      fi
    done < <(field "$row" 'r.get("tags", [])')
  done <<<"$plan"
fi

say "build-images: $((total - ${#failed[@]}))/$total built in $((SECONDS - t0))s; disk: $(df -h --output=avail "$OUT" | tail -1 | tr -d ' ') free"
if [ ${#failed[@]} -gt 0 ]; then
  say "failed: ${failed[*]}"
  exit 1
fi
