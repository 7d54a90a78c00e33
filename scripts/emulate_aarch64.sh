#!/usr/bin/env bash
# Run the chapter's AutoRec code on linux/aarch64 under user-mode emulation (no Docker, no
# binfmt_misc, no arm64 hardware needed), and print its test RMSE and wall time.
#
# What it does, each step skipped when already done:
#   1. apt-get installs qemu-user-static and debootstrap (Debian/Ubuntu host, as root).
#   2. Builds a Debian bookworm arm64 root with python3.11 in $ARM64_ROOT: `debootstrap
#      --foreign` downloads the arm64 packages and unpacks the base; the packages asked for
#      with --include are then unpacked with dpkg-deb -x (no second stage, so no binfmt_misc
#      or chroot is needed: qemu runs the arm64 interpreter with -L $ARM64_ROOT).
#   3. Installs every pin of environment.yml as aarch64 wheels into $ARM64_SITE with pip's
#      --platform/--only-binary options: the requirement lines and the platform tags come
#      from `tools/platforms.py` (`python -m tools.platforms requirements`, `... pip-args`),
#      the same ones `python3 tasks.py check-platform --platform linux-aarch64` checks.
#      mxnet 1.9.1's aarch64 wheel needs Arm Performance Libraries it does not ship:
#      `python -m tools.mxnet_blas` links their names to scipy's OpenBLAS, as `tasks.py setup`
#      does on a Linux aarch64 machine and in the container.
#   4. Runs tests/chapter_autorec.py through scripts/run_chapter_seeded.py (seeded with
#      d2l.set_seed(0), as the walkthrough is) with qemu-aarch64-static and the arm64
#      python3.11. The x86-64 reference is the same script run with the project's environment:
#        OMP_NUM_THREADS=1 D2L_DATA_DIR=... .venv/bin/python scripts/run_chapter_seeded.py
#
# Usage (from anywhere; takes tens of minutes, most of it the emulated training):
#   sudo scripts/emulate_aarch64.sh                 # full run, 25 epochs
#   EPOCHS=2 scripts/emulate_aarch64.sh             # a quick smoke run
# Environment: ARM64_ROOT (default /work/arm64-root), ARM64_SITE (default /work/arm64-site),
#   D2L_DATA_DIR (default ../shared/data next to the repository), DEBIAN_MIRROR.
# Keep ARM64_ROOT and ARM64_SITE outside the repository: they are never committed.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
ARM64_ROOT=${ARM64_ROOT:-/work/arm64-root}
ARM64_SITE=${ARM64_SITE:-/work/arm64-site}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
D2L_DATA_DIR=${D2L_DATA_DIR:-$(cd "$REPO/.." && pwd)/shared/data}
EPOCHS=${EPOCHS:-25}
# The host's environment Python (tools.platforms reads the pins with PyYAML and packaging).
HOST_PYTHON=${HOST_PYTHON:-$REPO/.venv/bin/python}
case "$ARM64_ROOT/" in "$REPO"/*) echo "ARM64_ROOT must be outside the repository" >&2; exit 2;; esac
case "$ARM64_SITE/" in "$REPO"/*) echo "ARM64_SITE must be outside the repository" >&2; exit 2;; esac
[ -f "$D2L_DATA_DIR/ml-100k/u.data" ] || {
  echo "expected MovieLens-100K at $D2L_DATA_DIR/ml-100k/u.data; set D2L_DATA_DIR" >&2; exit 2; }

step() { echo "== $(date +%T) $*"; }

# 1. Host tools
if ! command -v qemu-aarch64-static >/dev/null || ! command -v debootstrap >/dev/null; then
  step "installing qemu-user-static and debootstrap"
  apt-get update -q && apt-get install -y -q qemu-user-static debootstrap
fi

# 2. The arm64 root with Debian's python3.11 (and the OpenMP/Fortran runtimes)
PACKAGES=python3.11,libgomp1,libgfortran5,ca-certificates
if [ ! -x "$ARM64_ROOT/usr/bin/python3.11" ]; then
  step "debootstrap --arch=arm64 --foreign bookworm into $ARM64_ROOT"
  debootstrap --arch=arm64 --foreign --variant=minbase --include="$PACKAGES" \
    bookworm "$ARM64_ROOT" "$DEBIAN_MIRROR"
  step "unpacking the downloaded arm64 packages"
  for deb in "$ARM64_ROOT"/var/cache/apt/archives/*.deb; do dpkg-deb -x "$deb" "$ARM64_ROOT"; done
fi
run_arm64() { OMP_NUM_THREADS=1 PYTHONUNBUFFERED=1 qemu-aarch64-static -L "$ARM64_ROOT" "$ARM64_ROOT/usr/bin/python3.11" "$@"; }
step "arm64 interpreter: $(run_arm64 -c 'import platform, sys; print(platform.machine(), sys.version.split()[0])')"

# 3. environment.yml's pins as aarch64 wheels (every pin; the package itself via PYTHONPATH)
requirements="$(mktemp)"
(cd "$REPO" && "$HOST_PYTHON" -m tools.platforms requirements --no-editable) > "$requirements"
stamp="$(sha256sum < "$requirements" | cut -c1-64)"
if [ "$(cat "$ARM64_SITE/.complete" 2>/dev/null)" != "$stamp" ]; then
  step "pip install --target $ARM64_SITE (aarch64 wheels of environment.yml's pins)"
  rm -rf "$ARM64_SITE"
  # shellcheck disable=SC2046
  "$HOST_PYTHON" -m pip install --disable-pip-version-check -q --no-deps --upgrade \
    --target "$ARM64_SITE" $(cd "$REPO" && "$HOST_PYTHON" -m tools.platforms pip-args linux-aarch64) \
    -r "$requirements"
  echo "$stamp" > "$ARM64_SITE/.complete"
fi
rm -f "$requirements"
(cd "$REPO" && "$HOST_PYTHON" -m tools.mxnet_blas "$ARM64_SITE")

# 4. The chapter's code, seeded as the walkthrough is
step "running tests/chapter_autorec.py on emulated aarch64 (EPOCHS=$EPOCHS, OMP_NUM_THREADS=1)"
start=$(date +%s)
cd "$(mktemp -d)"
D2L_DATA_DIR="$D2L_DATA_DIR" MPLBACKEND=Agg PYTHONPATH="$REPO:$ARM64_SITE" \
  run_arm64 "$REPO/scripts/run_chapter_seeded.py" "$EPOCHS"
echo "== wall time of the emulated run: $(( $(date +%s) - start )) s"
