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
    MaskWriterOptions mask;     // for the single-output overload
    int batchSize = 1;          // tiles handed to the processor at once
    int prefetchTiles = 0;      // tiles read ahead by the prefetch thread; 0: two batches; < 0: no thread
    // Optional work on the finished mask that does not need its COG (the query's vectorising): run
    // on a thread of its own while the outputs are converted, with the path of the first output's
    // finished intermediate GeoTIFF (same pixels and mask as the COG, read-only, there until the
    // pipeline returns). Its failure fails the run like a failed conversion: nothing is published.
    std::function<Result<void>(const std::filesystem::path& finishedMask)> alongsideConversion;
};

// One mask raster the pipeline writes (e.g. probabilities and a binary mask from the same run).
struct MaskOutput {
    std::filesystem::path path;
    MaskWriterOptions options;
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

// A tile as the batch processor receives it.
struct TileInput {
    Tile tile;
    RasterWindow window;
};
// The same for up to batchSize tiles at once (consecutive in processing order, all of the same size):
// one result per tile, in order — its probabilities or why it failed.
using TileBatchProcessor = std::function<std::vector<Result<std::vector<float>>>(const std::vector<const TileInput*>& batch)>;

// Streams a raster through a per-tile function into a mask file: read window (padded past the
// edges) -> process -> blend in the stitcher -> write finished blocks -> COG. Blocks are finished
// column by column within each row of tiles, so memory is about the overlap band across the
// raster's width plus a tile, whatever the raster's height. A tile whose processing fails is
// reported (never silently dropped) and left without data; cancellation (checked between tiles)
// stops the run and leaves no mask file. Errors name the file and tile.
Result<RasterPipelineReport> runRasterPipeline(RasterSource& source, const TileProcessor& process,
                                               const std::filesystem::path& maskPath,
                                               const RasterPipelineOptions& options, ProgressFeedback& feedback);

// The general form: tiles go to `process` in batches of options.batchSize while a prefetch thread
// (on its own reopened handle of `source`) reads and stretches the next options.prefetchTiles tiles,
// so reading overlaps processing, and a blender thread blends the processed batches and writes them,
// so writing overlaps processing too; the stitched probabilities go to every output. At the end the
// outputs are converted to COGs side by side, and published all or none. The result does not depend
// on the batch size or prefetching. Cancellation is checked between batches.
Result<RasterPipelineReport> runRasterPipeline(RasterSource& source, const TileBatchProcessor& process,
                                               const std::vector<MaskOutput>& outputs,
                                               const RasterPipelineOptions& options, ProgressFeedback& feedback);

} // namespace refermap::geo
