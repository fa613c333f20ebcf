#pragma once

#include "common/result.h"

#include <filesystem>

namespace refermap::geo {

// A rectangle of whole pixels of a raster.
struct PixelRect {
    int x = 0;
    int y = 0;
    int width = 0;
    int height = 0;
};

// Clips `window` to a width x height raster; empty (width or height 0) when they do not overlap.
PixelRect clipToRaster(const PixelRect& window, int width, int height);

// Writes a VRT that shows `window` of `raster` (every band, georeferenced to the window's corner),
// copying no pixel: a query of the visible extent runs over it. Errors name the file; the window
// must lie inside the raster.
Result<void> writeWindowVrt(const std::filesystem::path& raster, const PixelRect& window,
                            const std::filesystem::path& vrt);

// Writes a single-band Byte VRT in the grid of `grid` (its size, geotransform and CRS) that shows
// band 1 of `source` at pixel offset (x, y) and 0 everywhere else: a mask computed over a window
// becomes a layer in the whole raster's grid without a full-size copy. The VRT refers to `source` by
// absolute path.
Result<void> writePlacedVrt(const std::filesystem::path& source, int x, int y, const std::filesystem::path& grid,
                            const std::filesystem::path& vrt);

} // namespace refermap::geo
