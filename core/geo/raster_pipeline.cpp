#include "geo/raster_pipeline.h"

#include "geo/probability_stitcher.h"

#include <spdlog/spdlog.h>

#include <optional>

namespace refermap::geo {

Result<RasterPipelineReport> runRasterPipeline(RasterSource& source, const TileProcessor& process,
                                               const std::filesystem::path& maskPath,
                                               const RasterPipelineOptions& options, ProgressFeedback& feedback)
{
    auto grid = TileGrid::create(source.width(), source.height(), options.tileSize, options.overlap, options.originX,
                                 options.originY);
    if (!grid)
        return grid.error();
    const auto transform = source.georeferenced() ? std::optional(source.geoTransform()) : std::nullopt;
    auto writer = MaskWriter::create(maskPath, source.width(), source.height(), transform, source.crsWkt(),
                                     options.mask);
    if (!writer)
        return writer.error();

    RasterPipelineReport report;
    report.tiles = grid->tileCount();
    ProbabilityStitcher stitcher(source.width(), source.height(), options.overlap,
                                 [&](const StitchedRows& rows) { return writer->writeRows(rows); });
    ProgressRange tiling(feedback, 0.0, 0.8);
    int done = 0;
    for (int row = 0; row < grid->rows(); ++row) {
        for (int column = 0; column < grid->columns(); ++column) {
            if (feedback.isCancelled())
                return Error(ErrorCode::Cancelled, "cancelled").withFile(maskPath.string());
            const Tile& tile = grid->tile(column, row);
            tiling.setProgress(static_cast<double>(done++) / report.tiles, "tiles");
            if (options.skipEmptyTiles) {
                auto hasData = source.windowHasValidPixels(tile.x, tile.y, tile.width, tile.height);
                if (!hasData)
                    return hasData.error().withTile(column, row);
                if (!*hasData) {
                    ++report.skippedEmpty;
                    continue;
                }
            }
            auto window = source.readWindow(tile.x, tile.y, tile.width, tile.height);
            if (!window)
                return window.error().withTile(column, row);
            auto probabilities = process(*window, tile);
            const std::size_t expected = static_cast<std::size_t>(tile.width) * static_cast<std::size_t>(tile.height);
            if (probabilities && probabilities->size() != expected)
                probabilities = Error(ErrorCode::Internal, "the tile processor returned the wrong number of pixels")
                                    .withDetail(std::to_string(probabilities->size()) + " for "
                                                + std::to_string(expected));
            if (!probabilities) {
                spdlog::warn("tile ({}, {}) failed: {}", column, row, probabilities.error().message());
                report.failures.push_back({tile, probabilities.error().withTile(column, row)});
                continue;
            }
            if (auto added = stitcher.addTile(tile.x, tile.y, tile.width, tile.height, probabilities->data(),
                                              window->valid.data());
                !added)
                return added.error();
            ++report.processed;
        }
        if (auto written = stitcher.finishRowsBefore(grid->firstRowBelow(row)); !written)
            return written.error();
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
