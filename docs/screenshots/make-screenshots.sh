#!/usr/bin/env bash
# Renders the README's screenshots under Xvfb (a real X server, not Qt's offscreen platform): the
# main window with a raster, a query's mask layer, and the layers, tasks and log panels.
# Usage: docs/screenshots/make-screenshots.sh [path/to/refermap]   (default: build/app/gui/refermap)
# Needs xvfb-run (Debian: xvfb, xauth). Uses a scratch settings and cache folder, never the user's.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
app=${1:-$root/build/app/gui/refermap}
out=$root/docs/screenshots
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export XDG_CONFIG_HOME=$scratch/config XDG_CACHE_HOME=$scratch/cache XDG_DATA_HOME=$scratch/data
export QT_QPA_PLATFORM=xcb

shoot() {
  local name=$1; shift
  xvfb-run -a -s "-screen 0 1440x900x24" "$app" "$@" --screenshot "$out/$name.png"
  echo "wrote $out/$name.png"
}

shoot main-window "$root/resources/demo/harbour-scene.tif" --query "the blue storage tank" --tile 384
shoot real-raster "$root/../shared/data/real/RGB.byte.tif" --query "the white building" --tile 256
