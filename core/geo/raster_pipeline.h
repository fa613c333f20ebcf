#pragma once

#include "common/progress_feedback.h"
#include "common/result.h"
#include "geo/mask_writer.h"
#include "geo/raster_source.h"
#include "geo/tile_grid.h"

#include <filesystem>
#include <functional>
#include <vector>

namespace refermap::geo {

struct RasterPipelineOptions {
    int tileSize = 512;
    int overlap = 64;
    int originX = 0; // shifts the tile grid (see TileGrid)
    int originY = 0;
    bool skipEmptyTiles = true; // tiles without a single valid pixel are not processed
    MaskWriterOptions mask;
};

// A tile that could not be processed: its pixels stay without data in the mask.
struct TileFailure {
    Tile tile;
    Error error;
};

struct RasterPipelineReport {
    int tiles = 0;        // in the grid
    int processed = 0;
    int skippedEmpty = 0; // entirely nodata
    std::vector<TileFailure> failures;
};

// Computes tileSize x tileSize probabilities in [0, 1] for one tile's normalised window (planar RGB
// plus validity, see RasterWindow). Called on the pipeline's thread, tile rows in order.
using TileProcessor = std::function<Result<std::vector<float>>(const RasterWindow& window, const Tile& tile)>;

// Streams a raster through a per-tile function into a mask file: read window (padded past the
// edges) -> process -> blend in the stitcher -> write finished blocks -> COG. Blocks are finished
// column by column within each row of tiles, so memory is about the overlap band across the
// raster's width plus a tile, whatever the raster's height. A tile whose processing fails is
// reported (never silently dropped) and left without data; cancellation (checked between tiles)
// stops the run and leaves no mask file. Errors name the file and tile.
Result<RasterPipelineReport> runRasterPipeline(RasterSource& source, const TileProcessor& process,
                                               const std::filesystem::path& maskPath,
                                               const RasterPipelineOptions& options, ProgressFeedback& feedback);

} // namespace refermap::geo
