#include "geo/raster_pipeline.h"

#include "common/background_priority.h"
#include "common/freed_memory.h"
#include "common/serial_worker.h"
#include "geo/probability_stitcher.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
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
        if (!runCurrentThreadAtIdlePriority())
            spdlog::debug("the tile reader runs at normal priority");
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

// A processed batch: its tiles, their results, and the steps (tiles and finishes) to replay.
struct BlendJob {
    std::vector<PipelineStep> steps;
    std::vector<ReadTile> tiles;
    std::vector<Result<std::vector<float>>> results;
};

// Replays a processed batch into the stitcher, which writes the finished rows to the masks. It runs
// on the pipeline's blender (a SerialWorker), so blending, quantising and compressing happen while
// the model computes the next batch instead of between batches; batches are replayed in submission
// order, so the masks are those of the inline replay.
Result<void> blendBatch(BlendJob& job, ProbabilityStitcher& stitcher, RasterPipelineReport& report)
{
    std::size_t next = 0;
    for (const PipelineStep& step : job.steps) {
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
        if (next == job.tiles.size() || !(job.tiles[next].input.tile == tile))
            continue; // skipped as empty
        const RasterWindow& window = job.tiles[next].input.window;
        Result<std::vector<float>>& probabilities = job.results[next++];
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
    return {};
}

// Converts every mask to its cloud-optimised GeoTIFF at once, one thread each (the model's threads
// are idle by now; at 2048² the probabilities took 0.2 s, the binary mask 0.04 s, one after the
// other), and runs `alongside` on the first mask's finished intermediate meanwhile. Progress is the
// conversions' mean; all are published or none: when one step fails or is cancelled, the masks
// already published are taken back.
Result<void> finishSideBySide(std::vector<MaskWriter>& writers, ProgressRange progress,
                              const std::function<Result<void>(const std::filesystem::path&)>& alongside)
{
    const std::size_t count = writers.size();
    std::vector<std::unique_ptr<ProgressFeedback>> own;
    std::unique_ptr<std::atomic<double>[]> fractions(new std::atomic<double>[count]);
    for (std::size_t i = 0; i < count; ++i) {
        fractions[i] = 0.0;
        own.push_back(std::make_unique<ProgressFeedback>(std::chrono::milliseconds(0)));
        own.back()->setListener([&, i](const ProgressUpdate& update) {
            if (progress.isCancelled())
                own[i]->cancel();
            fractions[i] = update.fraction;
            double sum = 0.0;
            for (std::size_t k = 0; k < count; ++k)
                sum += fractions[k];
            progress.setProgress(sum / static_cast<double>(count), "writing masks");
        });
    }
    std::vector<Result<void>> finished(count);
    std::thread alongsideThread;
    Result<void> alongsideResult;
    const auto finishOne = [&](std::size_t i) {
        ProgressRange range(*own[i], 0.0, 1.0);
        if (i == 0 && alongside) {
            auto staged = writers[i].stage(&range);
            if (!staged) {
                finished[i] = staged.error();
                return;
            }
            alongsideThread = std::thread([&, path = *staged] { alongsideResult = alongside(path); });
        }
        finished[i] = writers[i].finish(&range);
    };
    std::vector<std::thread> others;
    for (std::size_t i = 1; i < count; ++i)
        others.emplace_back(finishOne, i);
    if (count > 0)
        finishOne(0);
    for (std::thread& thread : others)
        thread.join();
    if (alongsideThread.joinable())
        alongsideThread.join();
    if (!alongsideResult)
        finished.push_back(alongsideResult.error());
    for (const Result<void>& result : finished) {
        if (result)
            continue;
        for (std::size_t k = 0; k < count; ++k) {
            std::error_code ignored;
            if (finished[k])
                std::filesystem::remove(writers[k].target(), ignored);
        }
        return result.error();
    }
    return {};
}

} // namespace

Result<RasterPipelineReport> runRasterPipeline(RasterSource& source, const TileBatchProcessor& process,
    const std::vector<MaskOutput>& outputs, const RasterPipelineOptions& options, ProgressFeedback& feedback)
{
    const auto started = std::chrono::steady_clock::now();
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

    // Steps are gathered until a batch is full; the batch is processed here and handed, with its
    // steps, to the blender, which replays them in order, so the stitcher sees exactly the sequence
    // of the unbatched order.
    ProgressRange tiling(feedback, 0.0, 0.8);
    std::vector<PipelineStep> pending;
    std::vector<ReadTile> batch;
    int done = 0;
    std::chrono::steady_clock::duration waitedForTiles{0}; // the main thread, for the prefetch thread
    std::chrono::steady_clock::duration waitedForBlender{0};
    SerialWorker blender("tile blender", 2); // after the stitcher and the report: it goes first
    auto runBatch = [&]() -> Result<void> {
        std::vector<const TileInput*> inputs;
        for (const ReadTile& tile : batch)
            inputs.push_back(&tile.input);
        BlendJob job;
        if (!inputs.empty())
            job.results = process(inputs);
        if (job.results.size() != inputs.size())
            return Error(ErrorCode::Internal, "the tile processor returned the wrong number of tiles");
        job.steps = std::move(pending);
        job.tiles = std::move(batch);
        pending.clear();
        batch.clear();
        const auto submitting = std::chrono::steady_clock::now();
        auto submitted = blender.submit([&stitcher, &report, shared = std::make_shared<BlendJob>(std::move(job))] {
            return blendBatch(*shared, stitcher, report);
        });
        waitedForBlender += std::chrono::steady_clock::now() - submitting;
        return submitted;
    };

    for (const PipelineStep& step : steps) {
        pending.push_back(step);
        if (step.kind != PipelineStep::Kind::Tile)
            continue;
        if (feedback.isCancelled())
            return Error(ErrorCode::Cancelled, "cancelled").withFile(mainPath.string());
        const auto reading = std::chrono::steady_clock::now();
        ReadTile tile = reader.next();
        waitedForTiles += std::chrono::steady_clock::now() - reading;
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
    if (auto blended = blender.finish(); !blended)
        return blended.error();
    if (auto written = stitcher.finish(); !written)
        return written.error();
    const auto converting = std::chrono::steady_clock::now();
    if (auto converted = finishSideBySide(writers, ProgressRange(feedback, 0.8, 1.0), options.alongsideConversion); !converted)
        return converted.error();
    spdlog::debug("raster pipeline: {} tile(s) in {:.2f} s (waiting {:.2f} s for tiles, {:.2f} s for the blender), "
                  "then {} mask(s) converted in {:.2f} s",
                  report.tiles, std::chrono::duration<double>(converting - started).count(),
                  std::chrono::duration<double>(waitedForTiles).count(),
                  std::chrono::duration<double>(waitedForBlender).count(), writers.size(),
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - converting).count());
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
