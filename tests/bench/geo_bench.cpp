// The streaming geo pipeline (read -> stretch -> tile -> stitch -> write COG -> vectorise to a
// GeoPackage) with a per-pixel function standing in for the network, on virtual rasters of 10k x 10k
// and 40k x 40k pixels (a VRT mosaic of a real aerial image). Each size runs in its own child process
// so peak RSS is measured per size; the parent prints wall time (whole path, and the vectorise step
// alone), megapixels/s, the raster pipeline's time per tile, peak RSS and their ratios.
//   geo_bench [--sizes 10000,40000] [--tile 512] [--overlap 64] [--keep] [--no-vectorize]
//   geo_bench --child SIZE TILE OVERLAP FOLDER VECTORIZE(0|1)   (internal)
#include "bench_mosaic.h"

#include "common/logging.h"
#include "geo/gdal_environment.h"
#include "geo/mask_vectorizer.h"
#include "geo/vector_export.h"
#include "geo/raster_pipeline.h"

#include <gdal_priv.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace refermap;
using namespace refermap::geo;
namespace fs = std::filesystem;

namespace {

long statusKiB(const char* key)
{
    std::ifstream status("/proc/self/status");
    std::string line;
    const std::size_t length = std::strlen(key);
    while (std::getline(status, line))
        if (line.compare(0, length, key) == 0)
            return std::atol(line.c_str() + length);
    return -1;
}

// The largest resident set seen by progress reports in each phase, to tell which step sets the peak.
struct PhaseRss {
    long tiling = 0;
    long cog = 0;
    long vectorize = 0;
};

long peakRssKiB()
{
    return statusKiB("VmHWM:");
}

int child(int size, int tile, int overlap, const fs::path& folder, bool vectorize)
{
    // Logs go to stderr: stdout carries the figures for the parent.
    (void)logging::initialise({"warning", true, std::nullopt});
    ensureGdalInitialised();
    const fs::path vrt = bench::makeMosaic(folder, size);
    const auto start = std::chrono::steady_clock::now();
    auto source = RasterSource::open(vrt, {});
    if (!source) {
        std::fprintf(stderr, "%s\n", source.error().message().c_str());
        return 1;
    }
    RasterPipelineOptions options;
    options.tileSize = tile;
    options.overlap = overlap;
    PhaseRss phases;
    ProgressFeedback feedback;
    feedback.setListener([&](const ProgressUpdate& update) {
        long& phase = update.fraction < 0.8 ? phases.tiling : phases.cog; // see runRasterPipeline's ranges
        phase = std::max(phase, statusKiB("VmRSS:"));
    });
    auto brightness = [](const RasterWindow& window, const Tile&) -> Result<std::vector<float>> {
        const std::size_t pixels = static_cast<std::size_t>(window.width) * static_cast<std::size_t>(window.height);
        std::vector<float> out(pixels);
        for (std::size_t i = 0; i < pixels; ++i) {
            const float mean = (window.pixels[i] + window.pixels[pixels + i] + window.pixels[2 * pixels + i]) / 3.0f;
            const float t = std::clamp((mean - 0.3f) / 0.4f, 0.0f, 1.0f);
            out[i] = t * t * (3.0f - 2.0f * t);
        }
        return out;
    };
    const fs::path mask = folder / ("mask-" + std::to_string(size) + ".tif");
    auto report = runRasterPipeline(*source, brightness, mask, options, feedback);
    if (!report) {
        std::fprintf(stderr, "%s\n", report.error().message().c_str());
        return 1;
    }
    const auto pipelineEnd = std::chrono::steady_clock::now();
    const long pipelineRss = peakRssKiB();
    // The Byte probability mask (>= 128 is foreground) to polygons, streamed to a GeoPackage.
    // When each of the vectoriser's steps began (its progress ranges: value rule 0, polygonize 0.1,
    // scores 0.5, shaping 0.75, export 0.9), to see where its time goes.
    const std::array<double, 5> stepStarts {0.0, 0.1, 0.5, 0.75, 0.9};
    std::array<double, 6> stepSeconds {};
    std::size_t step = 0;
    ProgressFeedback vectorizeFeedback;
    vectorizeFeedback.setListener([&](const ProgressUpdate& update) {
        phases.vectorize = std::max(phases.vectorize, statusKiB("VmRSS:"));
        const double now = std::chrono::duration<double>(std::chrono::steady_clock::now() - pipelineEnd).count();
        while (step + 1 < stepStarts.size() && update.fraction >= stepStarts[step + 1])
            stepSeconds[++step] = now;
        stepSeconds[5] = now;
    });
    Result<std::size_t> features = std::size_t {0};
    if (vectorize)
        features = vectorizeMaskToFile(
            mask, folder / ("polygons-" + std::to_string(size) + ".gpkg"), {}, {}, &vectorizeFeedback);
    if (!features) {
        std::fprintf(stderr, "%s\n", features.error().message().c_str());
        return 1;
    }
    if (vectorize)
        std::fprintf(stderr,
            "geo_bench %d: vectorise steps began at %.1f (polygonize) %.1f (scores) %.1f (shaping) %.1f (export) s\n",
            size, stepSeconds[1], stepSeconds[2], stepSeconds[3], stepSeconds[4]);
    std::fprintf(stderr, "geo_bench %d: largest RSS seen while tiling %.1f MiB, writing the COG %.1f MiB, vectorising %.1f MiB\n",
        size, phases.tiling / 1024.0, phases.cog / 1024.0, phases.vectorize / 1024.0);
    const auto end = std::chrono::steady_clock::now();
    const double pipelineSeconds = std::chrono::duration<double>(pipelineEnd - start).count();
    const double vectorizeSeconds = std::chrono::duration<double>(end - pipelineEnd).count();
    std::printf("%d %.3f %.3f %ld %ld %d %zu\n", size, pipelineSeconds, vectorizeSeconds, pipelineRss, peakRssKiB(),
        report->processed, *features);
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc == 7 && std::string(argv[1]) == "--child")
        return child(std::atoi(argv[2]), std::atoi(argv[3]), std::atoi(argv[4]), argv[5], std::atoi(argv[6]) != 0);

    std::vector<int> sizes{10000, 40000};
    int tile = 512;
    int overlap = 64;
    bool keep = false;
    bool vectorize = true;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--sizes" && i + 1 < argc) {
            sizes.clear();
            std::stringstream list(argv[++i]);
            for (std::string item; std::getline(list, item, ',');)
                sizes.push_back(std::atoi(item.c_str()));
        } else if (arg == "--tile" && i + 1 < argc) {
            tile = std::atoi(argv[++i]);
        } else if (arg == "--overlap" && i + 1 < argc) {
            overlap = std::atoi(argv[++i]);
        } else if (arg == "--keep") {
            keep = true;
        } else if (arg == "--no-vectorize") {
            vectorize = false;
        } else {
            std::fprintf(stderr, "usage: geo_bench [--sizes 10000,40000] [--tile 512] [--overlap 64] [--keep] [--no-vectorize]\n");
            return 2;
        }
    }
    const fs::path folder = fs::temp_directory_path() / ("refermap-geo-bench-" + std::to_string(::getpid()));
    fs::create_directories(folder);
    double baseRss = 0;
    for (int size : sizes) {
        const std::string command = std::string("\"") + argv[0] + "\" --child " + std::to_string(size) + " "
                                    + std::to_string(tile) + " " + std::to_string(overlap) + " \"" + folder.string()
                                    + "\" " + (vectorize ? "1" : "0");
        FILE* pipe = ::popen(command.c_str(), "r");
        int reportedSize = 0;
        double pipelineSeconds = 0;
        double vectorizeSeconds = 0;
        long pipelineRss = 0;
        long rss = 0;
        int tiles = 0;
        std::size_t features = 0;
        if (!pipe
            || std::fscanf(pipe, "%d %lf %lf %ld %ld %d %zu", &reportedSize, &pipelineSeconds, &vectorizeSeconds,
                   &pipelineRss, &rss, &tiles, &features)
                != 7) {
            std::fprintf(stderr, "geo_bench: the run at %d failed\n", size);
            if (pipe)
                ::pclose(pipe);
            continue;
        }
        ::pclose(pipe);
        if (baseRss == 0)
            baseRss = static_cast<double>(rss);
        const double megapixels = static_cast<double>(size) * size / 1e6;
        const double seconds = pipelineSeconds + vectorizeSeconds;
        std::printf("%6d x %-6d %8.1f s (vectorise %.1f s, %zu polygons)  %7.1f Mpx/s  %6.2f ms per %d^2 tile"
                    "  peak RSS %7.1f MiB (raster steps %.1f MiB; %.2fx the first)\n",
            size, size, seconds, vectorizeSeconds, features, megapixels / seconds, pipelineSeconds * 1e3 / tiles, tile,
            rss / 1024.0, pipelineRss / 1024.0, rss / baseRss);
        std::fflush(stdout);
        if (!keep)
            for (const auto& entry : fs::directory_iterator(folder))
                fs::remove(entry.path());
    }
    if (!keep)
        fs::remove_all(folder);
    return 0;
}
