#include "geo/raster_pipeline.h"

#include "common/freed_memory.h"
#include "geo/probability_stitcher.h"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

namespace refermap::geo {

namespace {

// One step of the processing order: blend a tile, or finish a region of the stitcher.
struct PipelineStep {
    enum class Kind { Tile, FinishColumns, FinishRows } kind = Kind::Tile;
    Tile tile;       // Kind::Tile
    int rowEnd = 0;  // FinishColumns: the band's end; FinishRows: the first unfinished row
    int column = 0;  // FinishColumns: the columns left of this one are final
};

// Tile rows in order, each finished column by column; the last two rows go together, column by
// column, because the edge-aligned last row can overlap the one above by almost a whole tile.
std::vector<PipelineStep> processingOrder(const TileGrid& grid, int rasterWidth)
{
    std::vector<PipelineStep> steps;
    for (int firstRow = 0; firstRow < grid.rows();) {
        const int lastRow = firstRow + 2 == grid.rows() ? firstRow + 1 : firstRow;
        const int bandEnd = grid.firstRowBelow(lastRow);
        for (int column = 0; column < grid.columns(); ++column) {
            for (int row = firstRow; row <= lastRow; ++row)
                steps.push_back({PipelineStep::Kind::Tile, grid.tile(column, row), 0, 0});
            // The columns left of the next tile are now final in this band of rows.
            const int finalColumn = column + 1 < grid.columns() ? grid.columnStart(column + 1) : rasterWidth;
            steps.push_back({PipelineStep::Kind::FinishColumns, {}, bandEnd, finalColumn});
        }
        steps.push_back({PipelineStep::Kind::FinishRows, {}, bandEnd, 0});
        firstRow = lastRow + 1;
    }
    return steps;
}

// What the reader hands over for each tile, in processing order.
struct ReadTile {
    TileInput input;
    bool empty = false; // entirely without data, skipped
    std::optional<Error> error;
};

// Reads tiles in processing order, on its own thread when prefetching, into a bounded queue.
class TileReader {
public:
    TileReader(RasterSource& source, std::vector<Tile> tiles, bool skipEmpty, int capacity)
        : source_(source)
        , tiles_(std::move(tiles))
        , skipEmpty_(skipEmpty)
        , capacity_(static_cast<std::size_t>(std::max(capacity, 1)))
    {
    }
    ~TileReader() { stop(); }

    // Starts the prefetch thread on an independent handle; without one, next() reads inline.
    Result<void> start()
    {
        auto handle = source_.reopen();
        if (!handle)
            return handle.error();
        own_.emplace(std::move(*handle));
        thread_ = std::thread([this] { run(); });
        return {};
    }

    ReadTile next()
    {
        if (!thread_.joinable())
            return read(source_, tiles_[position_++]);
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return !queue_.empty(); });
        ReadTile tile = std::move(queue_.front());
        queue_.pop_front();
        changed_.notify_all();
        return tile;
    }

    void stop()
    {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        changed_.notify_all();
        if (thread_.joinable())
            thread_.join();
    }

private:
    ReadTile read(RasterSource& source, const Tile& tile) const
    {
        ReadTile result;
        result.input.tile = tile;
        if (skipEmpty_) {
            auto hasData = source.windowHasValidPixels(tile.x, tile.y, tile.width, tile.height);
            if (!hasData) {
                result.error = hasData.error().withTile(tile.column, tile.row);
                return result;
            }
            if (!*hasData) {
                result.empty = true;
                return result;
            }
        }
        auto window = source.readWindow(tile.x, tile.y, tile.width, tile.height);
        if (!window)
            result.error = window.error().withTile(tile.column, tile.row);
        else
            result.input.window = std::move(*window);
        return result;
    }

    void run()
    {
        for (const Tile& tile : tiles_) {
            ReadTile read = this->read(*own_, tile);
            std::unique_lock lock(mutex_);
            changed_.wait(lock, [&] { return stopping_ || queue_.size() < capacity_; });
            if (stopping_)
                return;
            queue_.push_back(std::move(read));
            changed_.notify_all();
        }
    }

    RasterSource& source_;
    std::optional<RasterSource> own_;
    std::vector<Tile> tiles_;
    bool skipEmpty_ = true;
    std::size_t capacity_ = 1;
    std::size_t position_ = 0;
    std::thread thread_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<ReadTile> queue_;
    bool stopping_ = false;
};

} // namespace

Result<RasterPipelineReport> runRasterPipeline(RasterSource& source, const TileBatchProcessor& process,
    const std::vector<MaskOutput>& outputs, const RasterPipelineOptions& options, ProgressFeedback& feedback)
{
    auto grid = TileGrid::create(
        source.width(), source.height(), options.tileSize, options.overlap, options.originX, options.originY);
    if (!grid)
        return grid.error();
    if (outputs.empty())
        return Error(ErrorCode::InvalidArgument, "the raster pipeline needs at least one mask output");
    const auto transform = source.georeferenced() ? std::optional(source.geoTransform()) : std::nullopt;
    std::vector<MaskWriter> writers;
    for (const MaskOutput& output : outputs) {
        auto writer
            = MaskWriter::create(output.path, source.width(), source.height(), transform, source.crsWkt(), output.options);
        if (!writer)
            return writer.error();
        writers.push_back(std::move(*writer));
    }
    const std::filesystem::path& mainPath = outputs.front().path;

    RasterPipelineReport report;
    report.tiles = grid->tileCount();
    ProbabilityStitcher stitcher(source.width(), source.height(), options.overlap, [&](const StitchedRows& rows) {
        for (MaskWriter& writer : writers) {
            if (auto written = writer.writeRows(rows); !written)
                return written;
        }
        return Result<void>{};
    });

    const std::vector<PipelineStep> steps = processingOrder(*grid, source.width());
    std::vector<Tile> order;
    for (const PipelineStep& step : steps) {
        if (step.kind == PipelineStep::Kind::Tile)
            order.push_back(step.tile);
    }
    const int batchSize = std::max(options.batchSize, 1);
    const int prefetch = options.prefetchTiles == 0 ? 2 * batchSize : options.prefetchTiles;
    TileReader reader(source, order, options.skipEmptyTiles, prefetch);
    if (prefetch > 0) {
        // A source that cannot be opened twice (e.g. an in-memory dataset) is read inline.
        if (auto started = reader.start(); !started)
            spdlog::debug("reading tiles without prefetching: {}", started.error().message());
    }

    // Steps are gathered until a batch is full, then replayed in order once it is processed, so the
    // stitcher sees exactly the sequence of the unbatched order.
    ProgressRange tiling(feedback, 0.0, 0.8);
    std::vector<PipelineStep> pending;
    std::vector<ReadTile> batch;
    int done = 0;
    auto runBatch = [&]() -> Result<void> {
        std::vector<const TileInput*> inputs;
        for (const ReadTile& tile : batch)
            inputs.push_back(&tile.input);
        std::vector<Result<std::vector<float>>> results;
        if (!inputs.empty())
            results = process(inputs);
        if (results.size() != inputs.size())
            return Error(ErrorCode::Internal, "the tile processor returned the wrong number of tiles");
        std::size_t next = 0;
        for (const PipelineStep& step : pending) {
            if (step.kind == PipelineStep::Kind::FinishColumns) {
                if (auto written = stitcher.finishColumnsBefore(step.rowEnd, step.column); !written)
                    return written.error();
                continue;
            }
            if (step.kind == PipelineStep::Kind::FinishRows) {
                if (auto written = stitcher.finishRowsBefore(step.rowEnd); !written)
                    return written.error();
                // A row of tiles is done: what its buffers freed goes back to the system, so the
                // process does not grow with the raster (common/freed_memory.h).
                releaseFreedMemory();
                continue;
            }
            const Tile& tile = step.tile;
            if (next == batch.size() || !(batch[next].input.tile == tile))
                continue; // skipped as empty
            const RasterWindow& window = batch[next].input.window;
            Result<std::vector<float>>& probabilities = results[next++];
            const std::size_t expected = static_cast<std::size_t>(tile.width) * static_cast<std::size_t>(tile.height);
            if (probabilities && probabilities->size() != expected)
                probabilities = Error(ErrorCode::Internal, "the tile processor returned the wrong number of pixels")
                                    .withDetail(std::to_string(probabilities->size()) + " for " + std::to_string(expected));
            if (!probabilities) {
                spdlog::warn("tile ({}, {}) failed: {}", tile.column, tile.row, probabilities.error().message());
                report.failures.push_back({tile, probabilities.error().withTile(tile.column, tile.row)});
                continue;
            }
            if (auto added = stitcher.addTile(
                    tile.x, tile.y, tile.width, tile.height, probabilities->data(), window.valid.data());
                !added)
                return added.error();
            ++report.processed;
        }
        pending.clear();
        batch.clear();
        return {};
    };

    for (const PipelineStep& step : steps) {
        pending.push_back(step);
        if (step.kind != PipelineStep::Kind::Tile)
            continue;
        if (feedback.isCancelled())
            return Error(ErrorCode::Cancelled, "cancelled").withFile(mainPath.string());
        ReadTile tile = reader.next();
        tiling.setProgress(static_cast<double>(done++) / report.tiles, "tiles");
        if (tile.error)
            return *tile.error;
        if (tile.empty) {
            ++report.skippedEmpty;
            continue;
        }
        batch.push_back(std::move(tile));
        if (static_cast<int>(batch.size()) == batchSize) {
            if (auto ran = runBatch(); !ran)
                return ran.error();
        }
    }
    if (auto ran = runBatch(); !ran)
        return ran.error();
    reader.stop();
    if (auto written = stitcher.finish(); !written)
        return written.error();
    const double share = 0.2 / static_cast<double>(writers.size());
    for (std::size_t i = 0; i < writers.size(); ++i) {
        ProgressRange finishing(feedback, 0.8 + share * static_cast<double>(i), 0.8 + share * static_cast<double>(i + 1));
        if (auto finished = writers[i].finish(&finishing); !finished)
            return finished.error();
    }
    feedback.setProgress(1.0, "done");
    return report;
}

Result<RasterPipelineReport> runRasterPipeline(RasterSource& source, const TileProcessor& process,
    const std::filesystem::path& maskPath, const RasterPipelineOptions& options, ProgressFeedback& feedback)
{
    const TileBatchProcessor batched = [&](const std::vector<const TileInput*>& batch) {
        std::vector<Result<std::vector<float>>> results;
        for (const TileInput* input : batch)
            results.push_back(process(input->window, input->tile));
        return results;
    };
    RasterPipelineOptions unbatched = options;
    unbatched.batchSize = 1;
    return runRasterPipeline(source, batched, {MaskOutput{maskPath, options.mask}}, unbatched, feedback);
}

} // namespace refermap::geo
