#!/usr/bin/env bash
# Makes this machine run linux/arm64 binaries under emulation, for the RUN steps of the
# arm64 images' runtime stages and for running those images (make images-arm64):
#   scripts/binfmt.sh            idempotent; prints what it did or "ready"
# Installs Debian's qemu-user-static, binfmt-support and arch-test when missing, mounts binfmt_misc
# where it is not mounted, and enables the qemu-aarch64 handler. Debian registers it with
# the F (fix-binary) flag: the kernel keeps the interpreter open, so it works inside
# containers that do not have qemu themselves. This script adds the C (credentials) flag,
# as Docker's binfmt installer does: without it the kernel gives an emulated process the
# interpreter's capabilities instead of the binary's, and pyfn-host's file capability
# (cap_net_bind_service, port 80 as a non-root user) has no effect. Needs root. The compilers never run under
# emulation: the builder stage cross-compiles (images/debian/Dockerfile).
set -euo pipefail
handler=/proc/sys/fs/binfmt_misc/qemu-aarch64
# Ready: registered (by this script, or by Docker's binfmt installer, e.g. GitHub's
# setup-qemu-action) with F and C. arch-test is for mmdebstrap's arm64 base images only.
if [ -e "$handler" ] && grep -qx enabled "$handler" && grep -q '^flags:.*F' "$handler" &&
   grep -q '^flags:.*C' "$handler" && { command -v arch-test >/dev/null || [ "$(id -u)" != 0 ]; }; then
  echo "binfmt: qemu-aarch64 ready"
  exit 0
fi
[ "$(id -u)" = 0 ] || { echo "binfmt: qemu-aarch64 is not registered with flags F and C; run scripts/binfmt.sh as root" >&2; exit 1; }
# arch-test: mmdebstrap's check that a foreign architecture runs (arm64 base images).
if ! command -v qemu-aarch64-static >/dev/null || ! command -v update-binfmts >/dev/null || ! command -v arch-test >/dev/null; then
  echo "binfmt: installing qemu-user-static binfmt-support arch-test"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends qemu-user-static binfmt-support arch-test >/dev/null
fi
if [ ! -e /proc/sys/fs/binfmt_misc/register ]; then
  mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
  echo "binfmt: mounted binfmt_misc"
fi
[ -e "$handler" ] || update-binfmts --enable qemu-aarch64 2>/dev/null || update-binfmts --import qemu-aarch64
[ -e "$handler" ] || { echo "binfmt: qemu-aarch64 did not register" >&2; exit 1; }
if ! grep -q '^flags:.*C' "$handler"; then
  # Register again with the same interpreter, magic and mask, flags + C (C implies O).
  interp=$(sed -n 's/^interpreter //p' "$handler")
  magic=$(sed -n 's/^magic //p' "$handler")
  mask=$(sed -n 's/^mask //p' "$handler")
  flags=$(sed -n 's/^flags: //p' "$handler")
  hex() { sed 's/../\\x&/g' <<<"$1"; }
  echo -1 > "$handler"
  printf ':qemu-aarch64:M::%s:%s:%s:%sC\n' "$(hex "$magic")" "$(hex "$mask")" "$interp" "${flags//C/}" \
    > /proc/sys/fs/binfmt_misc/register
fi
grep -q '^flags:.*F' "$handler" || echo "binfmt: WARNING: qemu-aarch64 has no F flag; containers need qemu inside" >&2
echo "binfmt: qemu-aarch64 $(head -1 "$handler"), $(grep '^flags' "$handler")"
