#!/usr/bin/env bash
# Installs every Debian 12 package ReferMap needs to build, run and test.
# Idempotent: prints nothing and touches nothing when all packages are present.
# Usage (as root): packaging/install-deps.sh
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config git
  # model: libtorch and a fast BLAS (the reference BLAS is ~67x slower)
  libtorch-dev libopenblas0-pthread
  # memory: jemalloc, the allocator of the programs that run the model (see CMakeLists.txt)
  libjemalloc-dev
  # geo
  libgdal-dev gdal-bin python3-gdal libopencv-core-dev libopencv-imgproc-dev
  # common
  libspdlog-dev libfmt-dev libicu-dev nlohmann-json3-dev libcli11-dev
  # desktop application
  qt6-base-dev qt6-base-dev-tools qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
  qt6-charts-dev libqt6opengl6-dev  # Qt Charts; its CMake package needs Qt6OpenGL, which Debian 12 does not pull in
  libgl-dev libxkbcommon-dev
  # tests: GoogleTest, the Python references for parity tests, a virtual display, the
  # validators of the desktop files, and `file` (CPack's dpkg-shlibdeps step needs it)
  libgtest-dev libgmock-dev python3 python3-torch python3-torchvision python3-numpy
  xvfb xauth desktop-file-utils appstream file
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = "installed" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]}" >&2
  echo "install-deps: run this script as root (or with sudo) to install them" >&2
  exit 1
fi

echo "install-deps: installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
