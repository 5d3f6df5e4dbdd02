# pyfn/python images: the matrix, declared once. Everything else reads it resolved:
#   docker buildx bake                       build the default group (Docker)
#   scripts/buildx.sh bake --print default   the same targets as JSON (no daemon needed);
#                                            scripts/build-images.sh feeds them to podman
#   make images | make image CELL=python311-bookworm
#   make images-arm64                        the same cells for linux/arm64 (group "arm64")
# Each cell is a Debian release with Debian's own Python of that release, in two variants
# (as Azure has them): full `pyfn/python:3.11-bookworm` and slim `pyfn/python:3.11-slim-bookworm`.

# ---- variables ------------------------------------------------------------------------

# Registry and repository of the tags: "" + "pyfn/python" gives pyfn/python:3.11-bookworm;
# REGISTRY=ghcr.io/acme gives ghcr.io/acme/pyfn/python:3.11-bookworm.
variable "REGISTRY" {
  default = ""
}
variable "IMAGE" {
  default = "pyfn/python"
}
# Release version: "dev" adds no versioned tags; "0.1.0" also tags :3.11-bookworm-0.1.0.
variable "VERSION" {
  default = "dev"
}
# Timestamps of the image config and layers; scripts default it to the last commit time.
variable "SOURCE_DATE_EPOCH" {
  default = ""
}
# Optional snapshot.debian.org timestamp (e.g. 20250520T000000Z) pinning every apt-get.
variable "DEBIAN_SNAPSHOT" {
  default = ""
}
# Base image per release, "%s" = the release; pin with a digest for releases.
variable "BASE_IMAGE" {
  default = "debian:%s-slim"
}
# Base image of the linux/arm64 targets, "%s" = the release. Docker resolves the same
# multi-arch name to its arm64 image; scripts/build-images.sh (podman) sets it to
# "docker.io/arm64v8/debian:%s-slim", Docker Hub's arm64-only name, which it creates
# offline (scripts/base-images.sh --arch arm64).
variable "ARM64_BASE_IMAGE" {
  default = "debian:%s-slim"
}
# Builder base of the linux/arm64 targets (it runs on the build machine's platform):
# Docker takes BASE_IMAGE's multi-arch name with FROM --platform=$BUILDPLATFORM; podman
# 4.3 ignores that, and build-images.sh names the native base labelled arm64 instead
# (scripts/base-images.sh --builder-for).
variable "ARM64_BUILDER_IMAGE" {
  default = "debian:%s-slim"
}
# OCI metadata (org.opencontainers.image.*): the git revision and the creation time
# (RFC 3339 of SOURCE_DATE_EPOCH); scripts/build-images.sh sets both from the checkout.
variable "REVISION" {
  default = ""
}
variable "CREATED" {
  default = ""
}
variable "SOURCE_URL" {
  default = "https://github.com/pyfn/pyfn"
}
# Opt-in Microsoft ODBC driver in the full variant (needs packages.microsoft.com).
variable "INSTALL_MSODBCSQL" {
  default = "0"
}
# More Debian packages for the full variant, e.g. "xvfb libgl1" (see full-packages.txt).
variable "FULL_EXTRA_PACKAGES" {
  default = ""
}

# ---- the matrix -----------------------------------------------------------------------
# py: Debian's python3 of that release. default: this cell gets the bare `:<py>` tags
# (each Python is shipped by one release only; forky is testing, so it is preview and
# gets only release-qualified tags).
# Policy (images/README.md, "Adding and retiring a cell"): a cell leaves CELLS for
# LEGACY_CELLS when its Debian release (LTS included) or its Python reaches end of life;
# a new Debian release comes in as preview while it is testing.
variable "CELLS" {
  default = [
    { py = "3.11", debian = "bookworm", default = true,  preview = false },
    { py = "3.13", debian = "trixie",   default = true,  preview = false },
    { py = "3.14", debian = "forky",    default = false, preview = true },
  ]
}

# Cells in no default group, each with the reason; still built by name
# (`make image CELL=python39-bullseye`) where the release's archive is reachable.
# Azure's reference rows (azure-functions-docker host/2.0 stretch, host/3.0 buster) are
# declared so the matrix says what exists, but cannot be built here: stretch and buster
# are archived (archive.debian.org, unreachable from the project machines), Debian never
# shipped 3.6 in either, nor 3.7 in stretch, nor 3.8/3.9 in buster (Azure used python.org
# builds), and both lack the CMake >= 3.18 and gRPC we build with. Building them needs a
# Python built from source and a newer toolchain in the builder stage: not done.
variable "LEGACY_CELLS" {
  default = [
    { py = "3.9", debian = "bullseye", reason = "retired: Debian 11 LTS ended August 2026, Python 3.9 ended October 2025; builds (amd64), not reproducible (3.9's stdlib .pyc)" },
    { py = "3.6", debian = "stretch",  reason = "archived release; Debian never shipped 3.6 in stretch" },
    { py = "3.7", debian = "stretch",  reason = "archived release; Debian never shipped 3.7 in stretch" },
    { py = "3.6", debian = "buster",   reason = "archived release; Debian never shipped 3.6 in buster" },
    { py = "3.7", debian = "buster",   reason = "archived release; toolchain too old (CMake < 3.18)" },
    { py = "3.8", debian = "buster",   reason = "archived release; Debian never shipped 3.8 in buster" },
    { py = "3.9", debian = "buster",   reason = "archived release; Debian never shipped 3.9 in buster" },
  ]
}

# ---- naming ---------------------------------------------------------------------------

# cell_name("3.11", "bookworm") = "python311-bookworm"
function "cell_name" {
  params = [py, debian]
  result = "python${replace(py, ".", "")}-${debian}"
}
# target_name: full = the cell name, slim = "python311-slim-bookworm" (like the tag)
function "target_name" {
  params = [py, debian, variant]
  result = "python${replace(py, ".", "")}-${variant == "slim" ? "slim-" : ""}${debian}"
}
# repo() = "pyfn/python" or "<REGISTRY>/pyfn/python"
function "repo" {
  params = []
  result = REGISTRY == "" ? IMAGE : "${REGISTRY}/${IMAGE}"
}
# tags(cell, variant): :3.11-bookworm (+ :3.11 for the default release of that Python),
# slim: :3.11-slim-bookworm (+ :3.11-slim); plus the same with -VERSION unless VERSION=dev.
function "tags" {
  params = [cell, variant]
  result = concat(
    ["${repo()}:${cell.py}-${variant == "slim" ? "slim-" : ""}${cell.debian}"],
    cell.default ? ["${repo()}:${cell.py}${variant == "slim" ? "-slim" : ""}"] : [],
    VERSION == "dev" ? [] : ["${repo()}:${cell.py}-${variant == "slim" ? "slim-" : ""}${cell.debian}-${VERSION}"],
  )
}

# ---- targets --------------------------------------------------------------------------

# Never built: what every image target shares.
target "_common" {
  context    = "."
  dockerfile = "images/debian/Dockerfile"
  args = {
    SOURCE_DATE_EPOCH = SOURCE_DATE_EPOCH
    DEBIAN_SNAPSHOT   = DEBIAN_SNAPSHOT
    INSTALL_MSODBCSQL = INSTALL_MSODBCSQL
    FULL_EXTRA_PACKAGES = FULL_EXTRA_PACKAGES
    # pyfn's release and commit, recorded in the image's SBOM (runtime stages only:
    # the builder's compile does not depend on them)
    VERSION  = VERSION
    REVISION = REVISION
  }
  # The same metadata as labels (image config: every engine, `docker inspect`) and, under
  # BuildKit, as manifest/index annotations (registries show those). base.name per target
  # below; base.digest is added by scripts/build-images.sh, which resolves the base image.
  labels = {
    "org.opencontainers.image.title"       = "pyfn/python"
    "org.opencontainers.image.description" = "pyfn: an open runtime for Azure-Functions-style Python apps"
    "org.opencontainers.image.source"      = SOURCE_URL
    "org.opencontainers.image.revision"    = REVISION
    "org.opencontainers.image.version"     = VERSION
    "org.opencontainers.image.created"     = CREATED
    "org.opencontainers.image.licenses"    = "MIT"
  }
  annotations = [
    "index,manifest:org.opencontainers.image.title=pyfn/python",
    "index,manifest:org.opencontainers.image.description=pyfn: an open runtime for Azure-Functions-style Python apps",
    "index,manifest:org.opencontainers.image.source=${SOURCE_URL}",
    "index,manifest:org.opencontainers.image.revision=${REVISION}",
    "index,manifest:org.opencontainers.image.version=${VERSION}",
    "index,manifest:org.opencontainers.image.created=${CREATED}",
    "index,manifest:org.opencontainers.image.licenses=MIT",
  ]
}

# `python` (all cells, both variants) and `legacy` are groups too: bake makes one of
# every matrix target.
group "default" {
  targets = ["python"]
}

# Every cell, both variants (slim first: full builds FROM it).
target "python" {
  name     = target_name(cell.py, cell.debian, variant)
  matrix   = { cell = CELLS, variant = ["slim", "full"] }
  inherits = ["_common"]
  target   = variant
  # One platform per target (CI loads each into Docker); a release pushes both with
  # --set '*.platforms=linux/amd64,linux/arm64' (the Dockerfile cross-compiles).
  platforms = ["linux/amd64"]
  args = {
    DEBIAN_RELEASE = cell.debian
    PYTHON_VERSION = cell.py
    BASE_IMAGE     = format(BASE_IMAGE, cell.debian)
    BUILDER_IMAGE  = format(BASE_IMAGE, cell.debian)
  }
  labels = {
    "org.opencontainers.image.base.name" = format(BASE_IMAGE, cell.debian)
    "io.pyfn.cell"    = cell_name(cell.py, cell.debian)
    "io.pyfn.variant" = variant
    "io.pyfn.preview" = cell.preview ? "true" : "false"
    "io.pyfn.python"  = cell.py
    "io.pyfn.debian"  = cell.debian
    "io.pyfn.arch"    = "amd64"
  }
  tags = tags(cell, variant)
}

# The same cells for linux/arm64: pyfn-host and pyfn-worker cross-compiled in a builder
# stage that runs on the build machine's platform (BUILDER_IMAGE), the runtime stages on
# the arm64 base (emulated RUN steps: qemu-user-static, scripts/binfmt.sh). Tags end in
# -arm64; scripts/build-images.sh --manifests joins them with the amd64 tags into
# multi-arch manifests under the plain tags.
group "arm64" {
  targets = ["python-arm64"]
}
target "python-arm64" {
  name      = "${target_name(cell.py, cell.debian, variant)}-arm64"
  matrix    = { cell = CELLS, variant = ["slim", "full"] }
  inherits  = ["_common"]
  target    = variant
  platforms = ["linux/arm64"]
  args = {
    DEBIAN_RELEASE = cell.debian
    PYTHON_VERSION = cell.py
    BASE_IMAGE     = format(ARM64_BASE_IMAGE, cell.debian)
    BUILDER_IMAGE  = format(ARM64_BUILDER_IMAGE, cell.debian)
  }
  labels = {
    "org.opencontainers.image.base.name" = format(ARM64_BASE_IMAGE, cell.debian)
    "io.pyfn.cell"    = cell_name(cell.py, cell.debian)
    "io.pyfn.variant" = variant
    "io.pyfn.preview" = cell.preview ? "true" : "false"
    "io.pyfn.python"  = cell.py
    "io.pyfn.debian"  = cell.debian
    "io.pyfn.arch"    = "arm64"
  }
  tags = [for t in tags(cell, variant) : "${t}-arm64"]
}

target "legacy" {
  name     = target_name(cell.py, cell.debian, variant)
  matrix   = { cell = LEGACY_CELLS, variant = ["slim", "full"] }
  inherits = ["_common"]
  target   = variant
  platforms = ["linux/amd64"]
  args = {
    DEBIAN_RELEASE = cell.debian
    PYTHON_VERSION = cell.py
    BASE_IMAGE     = format(BASE_IMAGE, cell.debian)
    BUILDER_IMAGE  = format(BASE_IMAGE, cell.debian)
  }
  labels = {
    "org.opencontainers.image.base.name" = format(BASE_IMAGE, cell.debian)
    "io.pyfn.cell"    = cell_name(cell.py, cell.debian)
    "io.pyfn.variant" = variant
    "io.pyfn.legacy-reason" = cell.reason
    "io.pyfn.arch"    = "amd64"
    "io.pyfn.preview" = "legacy"
    "io.pyfn.python"  = cell.py
    "io.pyfn.debian"  = cell.debian
  }
  tags = ["${repo()}:${cell.py}-${variant == "slim" ? "slim-" : ""}${cell.debian}"]
}
