#include "geo/raster_pipeline.h"

#include "geo/probability_stitcher.h"

#include <spdlog/spdlog.h>

#include <optional>

namespace refermap::geo {

Result<RasterPipelineReport> runRasterPipeline(RasterSource& source, const TileProcessor& process,
    const std::filesystem::path& maskPath, const RasterPipelineOptions& options, ProgressFeedback& feedback)
{
    auto grid = TileGrid::create(
        source.width(), source.height(), options.tileSize, options.overlap, options.originX, options.originY);
    if (!grid)
        return grid.error();
    const auto transform = source.georeferenced() ? std::optional(source.geoTransform()) : std::nullopt;
    auto writer
        = MaskWriter::create(maskPath, source.width(), source.height(), transform, source.crsWkt(), options.mask);
    if (!writer)
        return writer.error();

    RasterPipelineReport report;
    report.tiles = grid->tileCount();
    ProbabilityStitcher stitcher(source.width(), source.height(), options.overlap,
        [&](const StitchedRows& rows) { return writer->writeRows(rows); });
    ProgressRange tiling(feedback, 0.0, 0.8);
    // Reads, processes and blends one tile. A failing processor is recorded, not fatal.
    auto runTile = [&](const Tile& tile) -> Result<void> {
        if (options.skipEmptyTiles) {
            auto hasData = source.windowHasValidPixels(tile.x, tile.y, tile.width, tile.height);
            if (!hasData)
                return hasData.error().withTile(tile.column, tile.row);
            if (!*hasData) {
                ++report.skippedEmpty;
                return {};
            }
        }
        auto window = source.readWindow(tile.x, tile.y, tile.width, tile.height);
        if (!window)
            return window.error().withTile(tile.column, tile.row);
        auto probabilities = process(*window, tile);
        const std::size_t expected = static_cast<std::size_t>(tile.width) * static_cast<std::size_t>(tile.height);
        if (probabilities && probabilities->size() != expected)
            probabilities = Error(ErrorCode::Internal, "the tile processor returned the wrong number of pixels")
                                .withDetail(std::to_string(probabilities->size()) + " for " + std::to_string(expected));
        if (!probabilities) {
            spdlog::warn("tile ({}, {}) failed: {}", tile.column, tile.row, probabilities.error().message());
            report.failures.push_back({tile, probabilities.error().withTile(tile.column, tile.row)});
            return {};
        }
        if (auto added = stitcher.addTile(tile.x, tile.y, tile.width, tile.height, probabilities->data(),
                                          window->valid.data());
            !added)
            return added.error();
        ++report.processed;
        return {};
    };

    // Tile rows in order, each finished column by column; the last two rows go together, column by
    // column, because the edge-aligned last row can overlap the one above by almost a whole tile.
    int done = 0;
    for (int firstRow = 0; firstRow < grid->rows();) {
        const int lastRow = firstRow + 2 == grid->rows() ? firstRow + 1 : firstRow;
        const int bandEnd = grid->firstRowBelow(lastRow);
        for (int column = 0; column < grid->columns(); ++column) {
            for (int row = firstRow; row <= lastRow; ++row) {
                if (feedback.isCancelled())
                    return Error(ErrorCode::Cancelled, "cancelled").withFile(maskPath.string());
                tiling.setProgress(static_cast<double>(done++) / report.tiles, "tiles");
                if (auto ran = runTile(grid->tile(column, row)); !ran)
                    return ran.error();
            }
            // The columns left of the next tile are now final in this band of rows.
            const int finalColumn = column + 1 < grid->columns() ? grid->columnStart(column + 1) : source.width();
            if (auto written = stitcher.finishColumnsBefore(bandEnd, finalColumn); !written)
                return written.error();
        }
        if (auto written = stitcher.finishRowsBefore(bandEnd); !written)
            return written.error();
        firstRow = lastRow + 1;
    }
    if (auto written = stitcher.finish(); !written)
        return written.error();
    ProgressRange finishing(feedback, 0.8, 1.0);
    if (auto finished = writer->finish(&finishing); !finished)
        return finished.error();
    feedback.setProgress(1.0, "done");
    return report;
}

} // namespace refermap::geo
