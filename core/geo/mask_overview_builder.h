#pragma once

#include "common/progress_feedback.h"
#include "common/result.h"

#include <vector>

class GDALDataset;

namespace refermap::geo {

enum class OverviewResampling {
    Average, // mean of the valid pixels below (masked pixels excluded), rounded half up: GDAL's AVERAGE
    Nearest, // the top-left pixel below, value and validity: GDAL's NEAREST
};

// Builds the overviews of a single-band Byte GeoTIFF with an internal per-dataset mask, so that a
// COG can be copied from it (OVERVIEWS=FORCE_USE_EXISTING) instead of having GDAL regenerate them.
// GDAL's own generation reads full-width strips, so its memory grows with the raster's width; here
// every overview block is computed from the 2x2 blocks below it, level by level (each level from
// the previous one, as GDAL's COG driver cascades too), so memory is a few blocks plus GDAL's block
// cache whatever the raster's size. The mask gets its overviews the same way: a pixel is valid when
// any pixel of its footprint is (Average) or when its top-left one is (Nearest). Each overview pixel
// covers the 2x2 pixels of the level below (clipped at the right/bottom edge), which for even sizes
// equals GDAL's result exactly.
class MaskOverviewBuilder {
public:
    // The factors 2, 4, 8, ... that GDAL's COG driver uses: halving until both sides fit one block.
    static std::vector<int> factorsFor(int width, int height, int blockSize);

    // Creates the levels on `dataset` (which must have none yet) and fills them. Reports fractions
    // from `progressBegin` to `progressEnd` of `progress` (so a caller can chain further steps in the
    // same range); cancelling it stops with ErrorCode::Cancelled.
    static Result<void> build(GDALDataset& dataset, OverviewResampling resampling, int blockSize,
                              ProgressRange& progress, double progressBegin = 0.0, double progressEnd = 1.0);
};

} // namespace refermap::geo
