#include "engine/query_runner.h"

#include "common/serial_worker.h"
#include "engine/btddnet_tile_predictor.h"
#include "engine/run_journal.h"
#include "geo/mask_vectorizer.h"
#include "geo/vector_export.h"
#include "model/blas_backend.h"
#include "model/compute_device.h"

#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <future>
#include <memory>
#include <system_error>

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace refermap::engine {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

std::filesystem::path besideOutput(const std::filesystem::path& output, const std::string& suffix)
{
    std::filesystem::path path = output;
    path.replace_extension();
    path += suffix;
    return path;
}

// What identifies a file's content well enough to trust a journal: absolute path, size, mtime.
std::string fileIdentity(const std::filesystem::path& path)
{
    std::error_code status;
    const auto absolute = std::filesystem::absolute(path, status);
    const auto size = std::filesystem::file_size(path, status);
    const auto modified = std::filesystem::last_write_time(path, status).time_since_epoch().count();
    return fmt::format("{}|{}|{}", absolute.string(), status ? 0 : size, status ? 0 : modified);
}

} // namespace

// CUDA: 8 (docs/gpu.md). CPU: as many tiles as make 8 of the demo model's 128-pixel tiles, at most
// 8 and at least 1 (a base network's 448-pixel tiles: 1). Batches of 8 ran the demo model 1.4-1.6
// times faster on 2 cores (8192²: 114.6 s against 162-183 s; fewer wake-ups of libtorch's OpenMP
// threads between forwards); under glibc's malloc their peak memory grew with the raster (1.07 GiB
// at 4096²), under jemalloc it does not (348 / 387 / 426 MiB at 2048² / 4096² / 8192²).
int defaultQueryBatch(const c10::Device& device, int tileSize)
{
    if (device.is_cuda())
        return 8;
    constexpr long long cpuBatchPixels = 8LL * 128 * 128;
    const long long tilePixels = static_cast<long long>(std::max(tileSize, 1)) * std::max(tileSize, 1);
    return static_cast<int>(std::clamp(cpuBatchPixels / tilePixels, 1LL, 8LL));
}

namespace {

// Everything the probabilities depend on; a journal with another fingerprint is not resumed.
std::string runFingerprint(const QueryOptions& options, int tileSize, int overlap, int batch, const c10::Device& device)
{
    std::string bands;
    for (int band : options.bands)
        bands += std::to_string(band) + ",";
    return fmt::format("raster={} model={} query={} tile={} overlap={} bands={} gsd={} device={} batch={} stretch={:.17g},{:.17g}",
        fileIdentity(options.raster), fileIdentity(options.model), options.text, tileSize, overlap, bands,
        options.targetGsd ? fmt::format("{:.17g}", *options.targetGsd) : "native", device.type() == c10::kCUDA ? "cuda" : "cpu",
        batch, options.stretchLowPercent, options.stretchHighPercent);
}

// The probability byte round(p * 255) >= level holds exactly when p >= (level - 0.5) / 255, and the
// smallest level with (level - 0.5) / 255 >= threshold is ceil(255 threshold + 0.5); the
// vector layer thresholds the probability raster at `level`, the binary mask is written with the
// matching probability, so the two always agree.
int thresholdLevel(double threshold)
{
    return std::clamp(static_cast<int>(std::ceil(threshold * 255.0 + 0.5)), 1, 255);
}

Result<void> checkOptions(const QueryOptions& options)
{
    if (!(options.threshold > 0.0 && options.threshold <= 1.0))
        return Error(ErrorCode::InvalidArgument, "the threshold must be in (0, 1]").withKey("threshold");
    if (options.batch < 0)
        return Error(ErrorCode::InvalidArgument, "the batch size must be positive").withKey("batch");
    if (options.tileSize != 0 && (options.tileSize < 32 || options.tileSize > 4096))
        return Error(ErrorCode::InvalidArgument, "the tile size must be between 32 and 4096 pixels").withKey("tile");
    std::error_code status;
    if (!std::filesystem::is_regular_file(options.model, status))
        return Error(ErrorCode::NotFound, "the model file does not exist").withFile(options.model.string());
    return {};
}

// Where glibc's malloc is in use (the programs link jemalloc instead, see CMakeLists.txt; tests and
// other embedders do not): glibc raises its mmap threshold whenever a large block is freed (up to
// 32 MiB); from then on the tiles' windows and tensors come from the heap, whose fragments are not
// returned, and the resident size grows with the number of tiles (measured: 1.05 GB at 4096² vs
// 0.32 GB with a fixed threshold, 0.27 GB at 1024²). A fixed threshold limits that growth; it does
// not remove it (8192²: 613 MiB under glibc, 373 MiB under jemalloc). Without glibc, nothing.
void keepAllocatorFlat()
{
#ifdef __GLIBC__
    static std::once_flag once;
    std::call_once(once, [] { mallopt(M_MMAP_THRESHOLD, 4 * 1024 * 1024); });
#endif
}

} // namespace

std::filesystem::path runJournalPath(const std::filesystem::path& output)
{
    std::filesystem::path path = output;
    path += ".journal";
    return path;
}

Result<QueryReport> runQuery(const QueryOptions& options, ProgressFeedback& feedback)
{
    const auto started = Clock::now();
    keepAllocatorFlat();
    if (auto checked = checkOptions(options); !checked)
        return checked.error();
    QueryReport report;
    report.probabilityMask
        = options.probabilityMask.empty() ? besideOutput(options.output, ".probability.tif") : options.probabilityMask;
    report.binaryMask = options.binaryMask.empty() ? besideOutput(options.output, ".mask.tif") : options.binaryMask;

    // Everything that can be refused is refused before the model runs.
    auto device = model::resolveComputeDevice(options.device);
    if (!device)
        return device.error().withKey("device");
    // The model file is read and checked while the raster's stretch is computed (2048²: 0.08 s and
    // 0.05 s, one after the other before); its errors still come after the raster's.
    auto loading = std::async(std::launch::async, [&options] { return model::loadBtddnetFile(options.model); });
    geo::RasterSourceOptions sourceOptions;
    sourceOptions.bands = options.bands;
    sourceOptions.targetGsd = options.targetGsd;
    sourceOptions.stretch.lowPercent = options.stretchLowPercent;
    sourceOptions.stretch.highPercent = options.stretchHighPercent;
    auto source = geo::RasterSource::open(options.raster, sourceOptions);
    if (!source)
        return source.error();
    geo::ExportOptions exportOptions;
    exportOptions.epsg = options.epsg;
    if (auto target = geo::checkExportTarget(source->crsWkt(), options.output, exportOptions); !target)
        return target.error();
    auto loaded = loading.get();
    if (!loaded)
        return loaded.error();
    if (!device->is_cuda())
        model::configureComputeThreads(options.threads);
    const std::string modelName = options.model.filename().string();
    auto predictor = BtddnetTilePredictor::create(std::move(*loaded), options.text, *device);
    if (!predictor)
        return predictor.error();
    report.device = device->str();
    spdlog::info("query '{}' on {} with {} ({})", options.text, options.raster.string(), modelName, report.device);

    const int tileSize = options.tileSize > 0 ? options.tileSize : defaultQueryTileSize(predictor->model());
    const int overlap = options.overlap >= 0 ? options.overlap : tileSize / 4;
    const int batch = options.batch > 0 ? options.batch : defaultQueryBatch(*device, tileSize);
    const std::string fingerprint = runFingerprint(options, tileSize, overlap, batch, *device);
    report.runId = fmt::format("{:016x}", std::hash<std::string>{}(fingerprint));

    const std::filesystem::path journalPath = runJournalPath(options.output);
    if (!options.resume) {
        std::error_code ignored;
        std::filesystem::remove(journalPath, ignored);
    }
    auto journal = RunJournal::open(journalPath, fingerprint);
    if (!journal)
        return journal.error();
    report.resumedTiles = journal->size();

    // Tiles in the journal are replayed; the rest go through the network and into the journal.
    // Every tile's probabilities pass through the journal's quantisation, so a resumed run and an
    // uninterrupted one blend exactly the same values. The journal is written on a thread of its own
    // (quantising, checksumming and syncing to disk took 0.2 s of a 7 s query on the main thread):
    // a tile whose record is still queued when the run stops is simply run again by the next one.
    std::optional<Error> journalError;
    SerialWorker journalWriter("run journal writer", 4); // after the journal: it goes first
    const geo::TileBatchProcessor process = [&](const std::vector<const geo::TileInput*>& tiles) {
        std::vector<Result<std::vector<float>>> results(tiles.size(), Result<std::vector<float>>(std::vector<float>{}));
        std::vector<const geo::RasterWindow*> windows;
        std::vector<std::size_t> toRun;
        for (std::size_t i = 0; i < tiles.size(); ++i) {
            const geo::Tile& tile = tiles[i]->tile;
            if (journal->contains(tile.column, tile.row)) {
                results[i] = journal->read(tile.column, tile.row);
            } else {
                windows.push_back(&tiles[i]->window);
                toRun.push_back(i);
            }
        }
        if (windows.empty())
            return results;
        const auto modelStart = Clock::now();
        auto predicted = predictor->predict(windows);
        report.modelSeconds += secondsSince(modelStart);
        auto records = std::make_shared<std::vector<RunJournal::TileRecord>>();
        for (std::size_t k = 0; k < toRun.size(); ++k) {
            const std::size_t i = toRun[k];
            if (!predicted) {
                results[i] = predicted.error();
                continue;
            }
            std::vector<float>& probabilities = (*predicted)[k];
            RunJournal::quantise(probabilities);
            records->push_back({tiles[i]->tile.column, tiles[i]->tile.row, probabilities});
            results[i] = std::move(probabilities);
        }
        if (!records->empty() && !journalError) {
            if (auto submitted = journalWriter.submit([&journal, records] { return journal->append(*records); });
                !submitted)
                journalError = submitted.error();
        }
        return results;
    };

    geo::RasterPipelineOptions pipeline;
    pipeline.tileSize = tileSize;
    pipeline.overlap = overlap;
    pipeline.batchSize = batch;
    const int level = thresholdLevel(options.threshold);
    geo::MaskWriterOptions probability;
    probability.kind = geo::MaskKind::Probability;
    geo::MaskWriterOptions binary;
    binary.kind = geo::MaskKind::Binary;
    binary.threshold = (level - 0.5) / 255.0;
    // The vector layer is made from the finished probabilities while the masks are converted to
    // COGs (2048²: 0.09 s that no longer follow the conversion's 0.16 s).
    geo::VectorizeOptions vectorize;
    vectorize.threshold = level;
    vectorize.minAreaM2 = options.minAreaM2;
    vectorize.simplifyTolerance = options.simplifyTolerance;
    vectorize.query = options.text;
    vectorize.model = modelName;
    vectorize.source = options.raster.string();
    vectorize.runId = report.runId;
    ProgressFeedback vectorFeedback(std::chrono::milliseconds(0));
    vectorFeedback.setListener([&](const ProgressUpdate&) {
        if (feedback.isCancelled())
            vectorFeedback.cancel();
    });
    std::optional<Result<std::size_t>> features;
    pipeline.alongsideConversion = [&](const std::filesystem::path& finishedProbabilities) -> Result<void> {
        features = geo::vectorizeMaskToFile(finishedProbabilities, options.output, vectorize, exportOptions,
                                            &vectorFeedback);
        if (!*features)
            return features->error();
        return {};
    };
    ProgressFeedback pipelineFeedback(std::chrono::milliseconds(0));
    pipelineFeedback.setListener([&](const ProgressUpdate& update) {
        if (feedback.isCancelled())
            pipelineFeedback.cancel();
        feedback.setProgress(update.fraction, update.message);
    });
    auto ran = geo::runRasterPipeline(*source, process,
        {geo::MaskOutput{report.probabilityMask, probability}, geo::MaskOutput{report.binaryMask, binary}}, pipeline,
        pipelineFeedback);
    // What was queued for the journal is written even when the run stopped: it is what a rerun resumes.
    if (auto written = journalWriter.finish(); !written && !journalError)
        journalError = written.error();
    if (!ran) {
        // All outputs or none: the pipeline took its masks back; the layer goes too if it was
        // written (the journal stays, a rerun replays every tile).
        if (features && *features)
            geo::removeExportedLayer(options.output);
        return ran.error();
    }
    if (journalError)
        spdlog::warn("the run journal could not be written, this run cannot be resumed: {}", journalError->message());
    report.tiles = *ran;
    if (!features)
        return Error(ErrorCode::Internal, "the raster pipeline did not vectorise the mask").withFile(options.output.string());
    report.features = **features;
    if (auto removed = journal->remove(); !removed)
        spdlog::warn("{}", removed.error().message());
    report.totalSeconds = secondsSince(started);
    feedback.setProgress(1.0, "done");
    return report;
}

int defaultQueryTileSize(const model::LoadedBtddnet& model)
{
    const auto recorded = model.provenance.find("query_tile_size");
    if (recorded != model.provenance.end()) {
        const int size = std::atoi(recorded->second.c_str());
        if (size >= 32 && size <= 4096)
            return size;
        spdlog::warn("ignoring the model's query_tile_size '{}'", recorded->second);
    }
    return model.model->config().imageSize;
}

} // namespace refermap::engine
