// A whole-raster query against its floor: the number of batches times one batch's model time,
// measured in the same process. Everything else — reading, stretching, blending, writing, the
// journal — should hide behind the model (the prefetch thread reads while the model runs), so the
// ratio should be close to 1 (goal <= 1.05). Each raster size runs in its own child process so that
// peak RSS is per size. The model is the bundled demo model (tiny) or a randomly initialised base
// BTDDNet.
//   query_bench [--sizes 2048,4096] [--preset tiny|base] [--tile N] [--batch B] [--threads T]
//   query_bench --child SIZE PRESET TILE BATCH THREADS FOLDER   (internal)
#include "bench_mosaic.h"
#include "bench_timing.h"

#include "common/logging.h"
#include "engine/btddnet_tile_predictor.h"
#include "engine/query_runner.h"
#include "geo/gdal_environment.h"
#include "model/blas_backend.h"
#include "model/btddnet_file.h"
#include "model/compute_thread_waits.h"

#include <torch/torch.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace refermap;
namespace fs = std::filesystem;

namespace {

long peakRssKiB()
{
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmHWM:", 0) == 0)
            return std::atol(line.c_str() + 6);
    return -1;
}

int child(int size, const std::string& preset, int tile, int batch, int threads, const fs::path& folder)
{
    (void)logging::initialise({"warning", true, std::nullopt});
    geo::ensureGdalInitialised();
    model::configureComputeThreads(threads);
    torch::manual_seed(1);
    const model::BtddnetConfig config = preset == "base" ? model::BtddnetConfig::base() : model::BtddnetConfig::tiny();
    auto tokenizer = model::WordpieceTokenizer::fromVocabularyFile(
        fs::path(REFERMAP_SOURCE_DIR) / "resources/vocab/bert-base-uncased-vocab.txt");
    if (!tokenizer) {
        std::fprintf(stderr, "%s\n", tokenizer.error().message().c_str());
        return 1;
    }
    // tiny: the bundled demo model, whose sparse masks are what a trained model gives (a random
    // network's noise would make vectorising, not the pipeline, the cost); base: random weights.
    const fs::path modelPath = preset == "tiny"
        ? fs::path(REFERMAP_SOURCE_DIR) / "resources/models/refermap-demo-tiny.refermap"
        : folder / (preset + ".refermap");
    if (!fs::exists(modelPath)) {
        if (auto saved = model::saveBtddnetFile(modelPath, model::Btddnet(config), *tokenizer); !saved) {
            std::fprintf(stderr, "%s\n", saved.error().message().c_str());
            return 1;
        }
    }
    const fs::path raster = bench::makeMosaic(folder, size);
    const std::string text = "the red roofs next to the road";
    if (tile == 0)
        tile = config.imageSize;
    if (batch == 0)
        batch = engine::defaultQueryBatch(c10::Device(c10::kCPU), tile);

    // The floor: batches of real tiles through the same predictor, each batch different tiles (a
    // tile the model has just read is cache-hot, a query's never is): the best of a few runs and
    // the median of more (a batch of the demo model takes ~20 ms, whose best run is an outlier).
    // It is measured before and after the query and averaged, so that a machine whose speed drifts
    // during the run moves both sides of the ratio alike.
    auto loaded = model::loadBtddnetFile(modelPath);
    auto predictor = loaded ? engine::BtddnetTilePredictor::create(std::move(*loaded), text, c10::Device(c10::kCPU))
                            : Result<engine::BtddnetTilePredictor>(loaded.error());
    auto source = geo::RasterSource::open(raster);
    if (!predictor || !source) {
        std::fprintf(stderr, "cannot prepare the baseline\n");
        return 1;
    }
    constexpr int kFloorBatches = 8;
    std::vector<geo::RasterWindow> windows;
    const int perRow = std::max(1, size / tile);
    for (int i = 0; i < kFloorBatches * batch; ++i) {
        windows.push_back(*source->readWindow((i % perRow) * tile, (i / perRow) * tile, tile, tile));
    }
    int nextBatch = 0;
    const auto runFloorBatch = [&] {
        std::vector<const geo::RasterWindow*> pointers;
        for (int i = 0; i < batch; ++i)
            pointers.push_back(&windows[static_cast<std::size_t>(nextBatch * batch + i)]);
        nextBatch = (nextBatch + 1) % kFloorBatches;
        (void)predictor->predict(pointers);
    };
    const int medianRuns = preset == "base" ? 3 : 25;
    double batchSeconds = bench::bestSeconds(3, runFloorBatch);
    double batchMedian = bench::medianSeconds(medianRuns, runFloorBatch);

    engine::QueryOptions query;
    query.raster = raster;
    query.text = text;
    query.model = modelPath;
    query.output = folder / ("query-" + std::to_string(size) + ".gpkg");
    query.device = "cpu";
    query.tileSize = tile;
    query.batch = batch;
    query.threads = threads;
    query.resume = false;
    ProgressFeedback feedback;
    const auto start = std::chrono::steady_clock::now();
    auto report = engine::runQuery(query, feedback);
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!report) {
        std::fprintf(stderr, "%s\n", report.error().message().c_str());
        return 1;
    }
    batchSeconds = std::min(batchSeconds, bench::bestSeconds(3, runFloorBatch));
    batchMedian = (batchMedian + bench::medianSeconds(medianRuns, runFloorBatch)) / 2.0;
    const int batches = (report->tiles.processed + batch - 1) / batch;
    std::printf("%d %d %.6f %.6f %.6f %.6f %ld\n", size, report->tiles.processed, wall, report->modelSeconds,
                batches * batchSeconds, batches * batchMedian, peakRssKiB());
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    // As refermap-cli query runs (model/compute_thread_waits.h); the children inherit it.
    model::ComputeThreadWaits::applyUnlessSet(argv);
    if (argc == 8 && std::strcmp(argv[1], "--child") == 0)
        return child(std::atoi(argv[2]), argv[3], std::atoi(argv[4]), std::atoi(argv[5]), std::atoi(argv[6]), argv[7]);

    std::vector<int> sizes{2048, 4096};
    std::string preset = "tiny";
    int tile = 0;
    int batch = 0; // 0: the query's default (engine::defaultQueryBatch)
    int threads = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string option = argv[i];
        if (option == "--sizes") {
            sizes.clear();
            std::stringstream list(argv[i + 1]);
            for (std::string item; std::getline(list, item, ',');)
                sizes.push_back(std::stoi(item));
        } else if (option == "--preset") {
            preset = argv[i + 1];
        } else if (option == "--tile") {
            tile = std::atoi(argv[i + 1]);
        } else if (option == "--batch") {
            batch = std::atoi(argv[i + 1]);
        } else if (option == "--threads") {
            threads = std::atoi(argv[i + 1]);
        } else {
            std::fprintf(stderr, "usage: query_bench [--sizes 2048,4096] [--preset tiny|base] [--tile N] [--batch B] "
                                 "[--threads T]\n");
            return 2;
        }
    }
    const fs::path folder = fs::temp_directory_path() / ("refermap-query-bench-" + std::to_string(::getpid()));
    fs::create_directories(folder);
    std::printf("query_bench: preset %s, tile %s, batch %s, BLAS %s\n", preset.c_str(),
                tile ? std::to_string(tile).c_str() : "model size",
                batch ? std::to_string(batch).c_str() : "the query's default", model::detectBlasBackend().name.c_str());
    std::printf("%8s %7s %9s %9s %9s %8s %9s %8s %10s\n", "size", "tiles", "wall s", "model s", "floor s", "wall/fl",
                "median s", "wall/med", "peak RSS");
    long firstRss = 0;
    for (int size : sizes) {
        const std::string command = "'" + fs::read_symlink("/proc/self/exe").string() + "' --child "
            + std::to_string(size) + " " + preset + " " + std::to_string(tile) + " " + std::to_string(batch) + " "
            + std::to_string(threads) + " '" + folder.string() + "'";
        FILE* pipe = ::popen(command.c_str(), "r");
        int measuredSize = 0, tiles = 0;
        double wall = 0, modelSeconds = 0, floorSeconds = 0, medianFloor = 0;
        long rss = 0;
        const bool ok = pipe && std::fscanf(pipe, "%d %d %lf %lf %lf %lf %ld", &measuredSize, &tiles, &wall,
                                            &modelSeconds, &floorSeconds, &medianFloor, &rss) == 7;
        if (pipe)
            ::pclose(pipe);
        if (!ok) {
            std::fprintf(stderr, "query_bench: the run of size %d failed\n", size);
            fs::remove_all(folder);
            return 1;
        }
        if (firstRss == 0)
            firstRss = rss;
        std::printf("%8d %7d %9.2f %9.2f %9.2f %7.3fx %9.2f %7.3fx %7.0f MiB (%.2fx)\n", size, tiles, wall,
                    modelSeconds, floorSeconds, wall / floorSeconds, medianFloor, wall / medianFloor, rss / 1024.0,
                    static_cast<double>(rss) / firstRss);
    }
    fs::remove_all(folder);
    return 0;
}
