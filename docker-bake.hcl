# pyfn/python images: the matrix, declared once. Everything else reads it resolved:
#   docker buildx bake                       build the default group (Docker)
#   scripts/buildx.sh bake --print default   the same targets as JSON (no daemon needed);
#                                            scripts/build-images.sh feeds them to podman
#   make images | make image CELL=python311-bookworm
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
variable "CELLS" {
  default = [
    { py = "3.9",  debian = "bullseye", default = true,  preview = false },
    { py = "3.11", debian = "bookworm", default = true,  preview = false },
    { py = "3.13", debian = "trixie",   default = true,  preview = false },
    { py = "3.14", debian = "forky",    default = false, preview = true },
  ]
}

# Azure's reference rows (azure-functions-docker host/2.0 stretch, host/3.0 buster), declared
# so the matrix says what exists, but in no default group: stretch and buster are archived
# (archive.debian.org, unreachable from the project machines), Debian never shipped 3.6 in
# either, nor 3.7 in stretch, nor 3.8/3.9 in buster (Azure used python.org builds), and
# both lack the CMake >= 3.18 and gRPC we build with. Building them needs a Python built
# from source and a newer toolchain in the builder stage: not done.
variable "LEGACY_CELLS" {
  default = [
    { py = "3.6", debian = "stretch" },
    { py = "3.7", debian = "stretch" },
    { py = "3.6", debian = "buster" },
    { py = "3.7", debian = "buster" },
    { py = "3.8", debian = "buster" },
    { py = "3.9", debian = "buster" },
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
  }
  labels = {
    "org.opencontainers.image.title"       = "pyfn/python"
    "org.opencontainers.image.description" = "pyfn: an open runtime for Azure-Functions-style Python apps"
    "org.opencontainers.image.source"      = "https://github.com/pyfn/pyfn"
    "org.opencontainers.image.licenses"    = "MIT"
    "org.opencontainers.image.version"     = VERSION
  }
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
  args = {
    DEBIAN_RELEASE = cell.debian
    PYTHON_VERSION = cell.py
    BASE_IMAGE     = format(BASE_IMAGE, cell.debian)
  }
  labels = {
    "io.pyfn.cell"    = cell_name(cell.py, cell.debian)
    "io.pyfn.variant" = variant
    "io.pyfn.preview" = cell.preview ? "true" : "false"
    "io.pyfn.python"  = cell.py
    "io.pyfn.debian"  = cell.debian
  }
  tags = tags(cell, variant)
}

target "legacy" {
  name     = target_name(cell.py, cell.debian, variant)
  matrix   = { cell = LEGACY_CELLS, variant = ["slim", "full"] }
  inherits = ["_common"]
  target   = variant
  args = {
    DEBIAN_RELEASE = cell.debian
    PYTHON_VERSION = cell.py
    BASE_IMAGE     = format(BASE_IMAGE, cell.debian)
  }
  labels = {
    "io.pyfn.cell"    = cell_name(cell.py, cell.debian)
    "io.pyfn.variant" = variant
    "io.pyfn.preview" = "legacy"
    "io.pyfn.python"  = cell.py
    "io.pyfn.debian"  = cell.debian
  }
  tags = ["${repo()}:${cell.py}-${variant == "slim" ? "slim-" : ""}${cell.debian}"]
}
