#!/usr/bin/env bash
# The README's main job: opens the desktop application on the bundled demo scene and runs the demo
# query with the bundled demo model (the application's default model). Where there is no display
# (no DISPLAY or WAYLAND_DISPLAY, e.g. over ssh or in CI), runs the same query with refermap-cli and
# says so; it writes harbour-tanks.gpkg, harbour-tanks.probability.tif and harbour-tanks.mask.tif.
# Usage: packaging/open-demo.sh [BUILD_DIR]   (default: build/release)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/release}
scene=$root/resources/demo/harbour-scene.tif
query="the blue storage tank"
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec "$build/app/gui/refermap" "$scene" --query "$query" --tile 384
fi
echo "open-demo: no display found (DISPLAY and WAYLAND_DISPLAY are unset): running the same query with refermap-cli instead" >&2
exec "$build/app/cli/refermap-cli" query "$scene" "$query" --tile 384 -o harbour-tanks.gpkg
