// The streaming geo pipeline (read -> stretch -> tile -> stitch -> write COG) with a per-pixel
// function standing in for the network, on virtual rasters of 10k x 10k and 40k x 40k pixels (a
// VRT mosaic of a real aerial image). Each size runs in its own child process so peak RSS is
// measured per size; the parent prints wall time, megapixels/s, peak RSS and their ratios.
//   geo_bench [--sizes 10000,40000] [--tile 512] [--overlap 64] [--keep]
//   geo_bench --child SIZE TILE OVERLAP FOLDER   (internal)
#include "common/logging.h"
#include "geo/gdal_environment.h"
#include "geo/raster_pipeline.h"

#include <gdal_priv.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace refermap;
using namespace refermap::geo;
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

// A size x size VRT mosaic of test_tiled.tif (1000 x 1000, RD New, 0.25 m).
fs::path makeMosaic(const fs::path& folder, int size)
{
    const fs::path source = fs::path(REFERMAP_TEST_DATA_DIR) / "real" / "test_tiled.tif";
    std::ostringstream vrt;
    vrt << "<VRTDataset rasterXSize=\"" << size << "\" rasterYSize=\"" << size << "\">\n"
        << "  <GeoTransform>127375, 0.25, 0, 428250, 0, -0.25</GeoTransform>\n";
    const char* colours[] = {"Red", "Green", "Blue"};
    for (int band = 1; band <= 3; ++band) {
        vrt << "  <VRTRasterBand dataType=\"Byte\" band=\"" << band << "\">\n"
            << "    <ColorInterp>" << colours[band - 1] << "</ColorInterp>\n";
        for (int y = 0; y < size; y += 1000)
            for (int x = 0; x < size; x += 1000) {
                const int w = std::min(1000, size - x);
                const int h = std::min(1000, size - y);
                vrt << "    <SimpleSource><SourceFilename relativeToVRT=\"0\">" << source.string()
                    << "</SourceFilename><SourceBand>" << band << "</SourceBand>"
                    << "<SrcRect xOff=\"0\" yOff=\"0\" xSize=\"" << w << "\" ySize=\"" << h << "\"/>"
                    << "<DstRect xOff=\"" << x << "\" yOff=\"" << y << "\" xSize=\"" << w << "\" ySize=\"" << h
                    << "\"/></SimpleSource>\n";
            }
        vrt << "  </VRTRasterBand>\n";
    }
    vrt << "</VRTDataset>\n";
    const fs::path path = folder / ("mosaic-" + std::to_string(size) + ".vrt");
    std::ofstream(path) << vrt.str();
    return path;
}

int child(int size, int tile, int overlap, const fs::path& folder)
{
    // Logs go to stderr: stdout carries the figures for the parent.
    (void)logging::initialise({"warning", true, std::nullopt});
    ensureGdalInitialised();
    const fs::path vrt = makeMosaic(folder, size);
    const auto start = std::chrono::steady_clock::now();
    auto source = RasterSource::open(vrt, {});
    if (!source) {
        std::fprintf(stderr, "%s\n", source.error().message().c_str());
        return 1;
    }
    RasterPipelineOptions options;
    options.tileSize = tile;
    options.overlap = overlap;
    ProgressFeedback feedback;
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
    auto report = runRasterPipeline(*source, brightness, folder / ("mask-" + std::to_string(size) + ".tif"), options,
                                    feedback);
    if (!report) {
        std::fprintf(stderr, "%s\n", report.error().message().c_str());
        return 1;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%d %.3f %ld %d\n", size, seconds, peakRssKiB(), report->processed);
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc == 6 && std::string(argv[1]) == "--child")
        return child(std::atoi(argv[2]), std::atoi(argv[3]), std::atoi(argv[4]), argv[5]);

    std::vector<int> sizes{10000, 40000};
    int tile = 512;
    int overlap = 64;
    bool keep = false;
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
        } else {
            std::fprintf(stderr, "usage: geo_bench [--sizes 10000,40000] [--tile 512] [--overlap 64] [--keep]\n");
            return 2;
        }
    }
    const fs::path folder = fs::temp_directory_path() / ("refermap-geo-bench-" + std::to_string(::getpid()));
    fs::create_directories(folder);
    double baseRss = 0;
    for (int size : sizes) {
        const std::string command = std::string("\"") + argv[0] + "\" --child " + std::to_string(size) + " "
                                    + std::to_string(tile) + " " + std::to_string(overlap) + " \"" + folder.string()
                                    + "\"";
        FILE* pipe = ::popen(command.c_str(), "r");
        int reportedSize = 0;
        double seconds = 0;
        long rss = 0;
        int tiles = 0;
        if (!pipe || std::fscanf(pipe, "%d %lf %ld %d", &reportedSize, &seconds, &rss, &tiles) != 4) {
            std::fprintf(stderr, "geo_bench: the run at %d failed\n", size);
            if (pipe)
                ::pclose(pipe);
            continue;
        }
        ::pclose(pipe);
        if (baseRss == 0)
            baseRss = static_cast<double>(rss);
        const double megapixels = static_cast<double>(size) * size / 1e6;
        std::printf("%6d x %-6d %8.1f s  %7.1f Mpx/s  %6.2f ms per %d^2 tile  peak RSS %7.1f MiB (%.2fx the first)\n",
                    size, size, seconds, megapixels / seconds, seconds * 1e3 / tiles, tile, rss / 1024.0,
                    rss / baseRss);
        std::fflush(stdout);
        if (!keep)
            for (const auto& entry : fs::directory_iterator(folder))
                fs::remove(entry.path());
    }
    if (!keep)
        fs::remove_all(folder);
    return 0;
}
